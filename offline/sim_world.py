"""The world the simulator draws organic traffic from: countries, providers, clients, texts.

Plain data plus tiny helpers. Weights are rough shares of a global consumer social
platform around 2019 (they only need to be skewed the way real traffic is skewed:
a few values very common, a long tail of rare ones).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    weight: float            # share of organic signups
    utc_offset: int          # minutes, August (summer time where it applies)
    cultures: tuple          # ((culture, weight), ...) keys of names.FIRST
    langs: tuple             # ((BCP 47 tag, weight), ...)
    isp_mail: tuple          # national mail providers / ISP domains
    carriers: int            # mobile carriers (each a CGNAT pool of a few /24s)
    search: str              # the dominant search engine referrer
    tld: str                 # national TLD for the long tail of mail domains
    v6_share: float = 0.15   # share of mobile signups over IPv6


COUNTRIES: tuple[Country, ...] = (
    Country("US", 22, -300, (("en", 80), ("es", 12), ("zh", 2), ("ko", 1), ("hi", 2), ("ng", 3)),
            (("en-US", 85), ("es-US", 8), ("en", 7)),
            ("comcast.net", "att.net", "verizon.net", "sbcglobal.net", "cox.net", "charter.net", "bellsouth.net"),
            4, "https://www.google.com/", "us", 0.45),
    Country("BR", 8, -180, (("pt", 100),), (("pt-BR", 95), ("pt", 5)),
            ("bol.com.br", "uol.com.br", "terra.com.br", "ig.com.br"), 4, "https://www.google.com.br/", "com.br", 0.3),
    Country("IN", 9, 330, (("hi", 90), ("en", 10)), (("en-IN", 55), ("hi-IN", 35), ("en", 10)),
            ("rediffmail.com", "sify.com"), 4, "https://www.google.co.in/", "in", 0.55),
    Country("GB", 5, 60, (("en", 88), ("hi", 5), ("pl", 3), ("ng", 4)), (("en-GB", 90), ("en", 10)),
            ("btinternet.com", "sky.com", "virginmedia.com", "talktalk.net"), 4, "https://www.google.co.uk/", "co.uk"),
    Country("MX", 4, -300, (("es", 100),), (("es-MX", 80), ("es", 20)),
            ("prodigy.net.mx",), 3, "https://www.google.com.mx/", "com.mx"),
    Country("ES", 3, 120, (("es", 100),), (("es-ES", 80), ("es", 15), ("ca", 5)),
            ("telefonica.net", "movistar.es"), 3, "https://www.google.es/", "es"),
    Country("AR", 2, -180, (("es", 90), ("it", 10)), (("es-AR", 80), ("es", 20)),
            ("fibertel.com.ar", "speedy.com.ar"), 3, "https://www.google.com.ar/", "com.ar"),
    Country("CO", 2, -300, (("es", 100),), (("es-CO", 70), ("es", 30)),
            ("une.net.co",), 3, "https://www.google.com.co/", "com.co"),
    Country("FR", 3, 120, (("fr", 90), ("ar", 5), ("ng", 5)), (("fr-FR", 85), ("fr", 15)),
            ("orange.fr", "free.fr", "sfr.fr", "laposte.net", "wanadoo.fr"), 4, "https://www.google.fr/", "fr"),
    Country("DE", 3, 120, (("de", 88), ("tr", 8), ("pl", 4)), (("de-DE", 85), ("de", 15)),
            ("web.de", "gmx.de", "t-online.de", "freenet.de", "gmx.net"), 3, "https://www.google.de/", "de"),
    Country("IT", 2, 120, (("it", 100),), (("it-IT", 85), ("it", 15)),
            ("libero.it", "alice.it", "virgilio.it", "tiscali.it"), 3, "https://www.google.it/", "it"),
    Country("RU", 4, 180, (("ru", 100),), (("ru-RU", 80), ("ru", 20)),
            ("mail.ru", "yandex.ru", "rambler.ru", "bk.ru", "list.ru", "inbox.ru"), 4, "https://yandex.ru/", "ru"),
    Country("UA", 1, 180, (("ru", 100),), (("uk-UA", 50), ("ru-RU", 35), ("uk", 15)),
            ("ukr.net", "i.ua", "meta.ua"), 3, "https://www.google.com.ua/", "com.ua"),
    Country("TR", 3, 180, (("tr", 100),), (("tr-TR", 90), ("tr", 10)),
            ("hotmail.com.tr", "ttmail.com"), 3, "https://www.google.com.tr/", "com.tr"),
    Country("PL", 1, 120, (("pl", 100),), (("pl-PL", 90), ("pl", 10)),
            ("wp.pl", "o2.pl", "onet.pl", "interia.pl"), 3, "https://www.google.pl/", "pl"),
    Country("NL", 1, 120, (("pl", 100),), (("nl-NL", 80), ("nl", 10), ("en", 10)),
            ("ziggo.nl", "kpnmail.nl", "home.nl"), 3, "https://www.google.nl/", "nl"),
    Country("JP", 6, 540, (("ja", 100),), (("ja-JP", 80), ("ja", 20)),
            ("docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "nifty.com", "ybb.ne.jp"), 3, "https://www.google.co.jp/", "co.jp", 0.5),
    Country("KR", 2, 540, (("ko", 100),), (("ko-KR", 90), ("ko", 10)),
            ("naver.com", "daum.net", "hanmail.net", "nate.com"), 3, "https://search.naver.com/", "co.kr", 0.3),
    Country("TW", 1, 480, (("zh", 100),), (("zh-TW", 85), ("zh-Hant", 15)),
            ("hinet.net", "pchome.com.tw"), 3, "https://www.google.com.tw/", "com.tw"),
    Country("HK", 1, 480, (("zh", 90), ("en", 10)), (("zh-HK", 60), ("en-HK", 25), ("zh-Hant", 15)),
            ("netvigator.com",), 3, "https://www.google.com.hk/", "com.hk"),
    Country("ID", 4, 420, (("id", 100),), (("id-ID", 80), ("id", 10), ("en", 10)),
            ("telkom.net",), 4, "https://www.google.co.id/", "co.id", 0.2),
    Country("PH", 2, 480, (("id", 70), ("en", 20), ("es", 10)), (("en-PH", 60), ("fil-PH", 30), ("en", 10)),
            ("pldtdsl.net",), 3, "https://www.google.com.ph/", "com.ph"),
    Country("VN", 1, 420, (("id", 100),), (("vi-VN", 85), ("vi", 15)),
            ("vnn.vn", "fpt.vn"), 3, "https://coccoc.com/", "vn"),
    Country("SA", 2, 180, (("ar", 100),), (("ar-SA", 75), ("ar", 15), ("en", 10)),
            ("stc.com.sa",), 3, "https://www.google.com.sa/", "com.sa"),
    Country("EG", 2, 120, (("ar", 100),), (("ar-EG", 70), ("ar", 20), ("en", 10)),
            ("tedata.net.eg",), 3, "https://www.google.com.eg/", "com.eg"),
    Country("NG", 2, 60, (("ng", 100),), (("en-NG", 70), ("en", 25), ("yo", 3), ("ha", 2)),
            (), 3, "https://www.google.com.ng/", "com.ng", 0.1),
    Country("ZA", 1, 120, (("ng", 45), ("en", 55)), (("en-ZA", 80), ("en", 15), ("af", 5)),
            ("telkomsa.net", "vodamail.co.za", "mweb.co.za"), 3, "https://www.google.co.za/", "co.za"),
    Country("CA", 2, -240, (("en", 70), ("fr", 25), ("zh", 5)), (("en-CA", 70), ("fr-CA", 25), ("en", 5)),
            ("rogers.com", "shaw.ca", "sympatico.ca", "videotron.ca"), 3, "https://www.google.ca/", "ca"),
    Country("AU", 1, 600, (("en", 90), ("zh", 5), ("hi", 5)), (("en-AU", 90), ("en", 10)),
            ("bigpond.com", "optusnet.com.au", "iinet.net.au"), 3, "https://www.google.com.au/", "com.au"),
    Country("PK", 1, 300, (("ar", 30), ("hi", 70)), (("en-PK", 50), ("ur-PK", 40), ("en", 10)),
            (), 3, "https://www.google.com.pk/", "com.pk", 0.1),
)

#: Global free mail providers; the first few dominate, the rest is a tail.
GLOBAL_MAIL = (
    ("gmail.com", 560), ("yahoo.com", 70), ("hotmail.com", 60), ("outlook.com", 45),
    ("icloud.com", 45), ("live.com", 12), ("aol.com", 8), ("protonmail.com", 5),
    ("me.com", 4), ("msn.com", 3), ("ymail.com", 3), ("mail.com", 2), ("gmx.com", 2),
    ("zoho.com", 1), ("yandex.com", 2), ("hotmail.co.uk", 3), ("yahoo.co.uk", 2),
    ("yahoo.com.br", 3), ("hotmail.fr", 3), ("yahoo.fr", 2), ("yahoo.co.jp", 4),
    ("qq.com", 3), ("163.com", 2), ("126.com", 1), ("yahoo.co.in", 3), ("hotmail.es", 2),
    ("outlook.es", 1), ("yahoo.es", 1), ("live.fr", 1), ("hotmail.it", 1), ("yahoo.de", 1),
    ("tutanota.com", 1), ("fastmail.com", 1), ("pm.me", 1), ("hey.com", 1),
)

#: Disposable / throwaway mail domains (typical of sign-up abuse, but also used by
#: privacy-minded people: a small share of organic sign-ups has them too).
DISPOSABLE_MAIL = (
    "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.net", "yopmail.com",
    "sharklasers.com", "trashmail.com", "dispostable.com", "getnada.com", "maildrop.cc",
    "mohmal.com", "emailondeck.com", "fakeinbox.com", "throwawaymail.com", "mintemail.com",
    "tempr.email", "discard.email", "mailnesia.com", "spamgourmet.com", "burnermail.io",
    "temp-mail.org", "moakt.com", "tmpmail.org", "inboxkitten.com", "emailfake.com",
)

#: Syllables for made-up domain names and brand-like strings.
SYLLABLES = """
    ka ri to na mo lu ve zi pa do ra me ko ti su ne ba lo fi gu ha je ki mi no pe ro sa
    ta va xo yu ze an el in on ur ex al or is ar en tra pro neo vor lex mar tel sol ter
""".split()

TECH_WORDS = """
    data cloud soft tech net sys logic labs works group digital media solutions systems
    consulting partners global capital health care foods energy motors design studio
""".split()

# --------------------------------------------------------------------------- clients

#: Desktop and mobile browser user agents (web sign-ups), skewed: a handful of current
#: Chrome builds dominate, then Safari, Edge, Firefox, a long tail of old versions.
WEB_UA = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36", 180),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.132 Safari/537.36", 60),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36", 45),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36", 50),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Safari/605.1.15", 45),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1", 90),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 12_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.1 Mobile/15E148 Safari/604.1", 25),
    ("Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.111 Mobile Safari/537.36", 35),
    ("Mozilla/5.0 (Linux; Android 9; SM-G973F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.111 Mobile Safari/537.36", 25),
    ("Mozilla/5.0 (Linux; Android 8.1.0; Redmi 5 Plus) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.89 Mobile Safari/537.36", 15),
    ("Mozilla/5.0 (Linux; Android 9; Pixel 3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.111 Mobile Safari/537.36", 10),
    ("Mozilla/5.0 (Linux; Android 7.0; SAMSUNG SM-J710F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/9.4 Chrome/67.0.3396.87 Mobile Safari/537.36", 12),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:68.0) Gecko/20100101 Firefox/68.0", 30),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:69.0) Gecko/20100101 Firefox/69.0", 6),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:68.0) Gecko/20100101 Firefox/68.0", 6),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36", 5),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.18362", 25),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/17.17134", 10),
    ("Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36", 25),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", 6),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36 OPR/63.0.3368.51", 6),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 YaBrowser/19.7.3.172 Yowser/2.5 Safari/537.36", 8),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.14; rv:68.0) Gecko/20100101 Firefox/68.0", 6),
    ("Mozilla/5.0 (iPad; CPU OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1", 10),
    ("Mozilla/5.0 (Linux; Android 9; SM-A505F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.143 Mobile Safari/537.36", 12),
    ("Mozilla/5.0 (Linux; U; Android 8.1.0; en-US; Redmi 6A Build/O11019) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.108 UCBrowser/12.13.0.1207 Mobile Safari/537.36", 6),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36", 10),
    ("Mozilla/5.0 (X11; CrOS x86_64 12239.67.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.102 Safari/537.36", 6),
)

#: Official app versions in the field (first = current release, then the tail).
APP_VERSIONS = (("8.4.1", 55), ("8.4.0", 18), ("8.3.2", 10), ("8.3.0", 6), ("8.2.5", 4),
                ("8.1.0", 3), ("7.9.3", 2), ("7.6.1", 1), ("8.5.0-beta.2", 1))

IOS_DEVICES = (("iPhone11,8", 18), ("iPhone11,2", 10), ("iPhone11,6", 7), ("iPhone10,6", 9),
               ("iPhone10,3", 6), ("iPhone10,5", 6), ("iPhone10,4", 7), ("iPhone9,3", 9),
               ("iPhone9,4", 5), ("iPhone8,1", 5), ("iPhone8,4", 4), ("iPad7,5", 3),
               ("iPad6,11", 2), ("iPhone12,1", 1))
IOS_VERSIONS = (("12.4", 55), ("12.3.1", 15), ("12.3.2", 4), ("12.1.4", 5), ("11.4.1", 6),
                ("12.2", 6), ("13.0", 3), ("10.3.4", 2), ("12.4.1", 4))
ANDROID_DEVICES = (("SM-G960F", 8), ("SM-G973F", 7), ("SM-A505F", 8), ("SM-J610F", 5),
                   ("SM-A305F", 5), ("SM-G950F", 5), ("SM-N960F", 3), ("Redmi Note 7", 8),
                   ("Redmi Note 5", 6), ("Redmi 6A", 5), ("POCOPHONE F1", 2), ("Mi A2", 3),
                   ("ONEPLUS A6013", 3), ("Pixel 3", 3), ("Pixel 2", 2), ("moto g(6)", 4),
                   ("moto g(7) play", 3), ("HUAWEI P20 lite", 4), ("ANE-LX1", 3), ("LYA-L29", 2),
                   ("vivo 1806", 3), ("CPH1909", 3), ("Nokia 6.1", 2), ("LM-X210", 2),
                   ("SM-J260M", 3), ("SM-J400M", 2), ("TECNO KC8", 2), ("itel A16", 1),
                   ("Infinix X652", 2), ("ASUS_X00TD", 2), ("ZTE Blade A7", 1))
ANDROID_VERSIONS = (("9", 45), ("8.1.0", 22), ("8.0.0", 12), ("7.1.2", 5), ("7.0", 8),
                    ("6.0.1", 5), ("10", 2), ("5.1.1", 1))

#: Third-party API clients (organic `api` sign-ups are rare but exist).
API_UA = (("Tweetbot/5.4 CFNetwork/978.0.7 Darwin/18.7.0", 3),
          ("okhttp/3.12.1", 4), ("python-requests/2.22.0", 1),
          ("Fenix/1.3 (Linux; Android 9)", 1), ("Talon/7.8.2 (Android 9)", 1))

APP_NAME = "Chirp"  # the (fictional) platform's official app

# --------------------------------------------------------------------------- referrers

SOCIAL_REFERRERS = (
    ("https://t.co/", 10), ("https://www.facebook.com/", 8), ("https://l.facebook.com/", 6),
    ("https://www.instagram.com/", 5), ("https://www.reddit.com/", 5), ("https://www.youtube.com/", 4),
    ("https://news.ycombinator.com/", 1), ("https://web.whatsapp.com/", 3), ("https://t.me/", 2),
    ("https://www.linkedin.com/", 1), ("https://vk.com/", 1), ("https://www.tiktok.com/", 2),
)
OTHER_SEARCH = (("https://www.bing.com/", 5), ("https://duckduckgo.com/", 2),
                ("https://search.yahoo.com/", 2), ("https://www.ecosia.org/", 1))

# --------------------------------------------------------------------------- texts

EMOJI = "😂 ❤️ 😍 🔥 ✨ 🙏 😊 😭 💯 👀 🥰 😎 🤔 🙌 💀 👏 🌸 🌙 ☕ ⚽ 🎮 🎶 📚 🐶 🐱 🌈 💜 💙 🖤 🇧🇷 🇲🇽 🇯🇵 🇰🇷 🇮🇳 🇳🇬 🇬🇧 🇺🇸".split()

BIO_COMMON = (
    "he/him", "she/her", "they/them", "Just here to learn", "New here 👋", "views are my own",
    "Living my best life", "God first 🙏", "not much to say", "just vibing", "lurker",
    "Instagram: same handle", "mostly memes", "carpe diem", "♡", "🌙", "dm me", "no bio yet",
    "trying my best", "✨", "be kind", "ig: same", "student", "love and light", "hi", ".",
    "Sígueme y te sigo", "Só alegria", "よろしくお願いします", "無言フォロー失礼します",
    "Vivir y dejar vivir", "Deus é fiel", "follow back", "just me", "bla bla bla",
)
BIO_ROLES = """
    student teacher nurse engineer designer developer writer photographer mom dad artist
    musician barista chef lawyer doctor accountant gamer streamer blogger athlete coach
    researcher PhD_student marketer founder freelancer retired veteran pharmacist
    architect analyst mechanic electrician farmer driver traveler dreamer
""".split()
BIO_PLACES = """
    NYC LA Chicago Houston Toronto London Manchester Dublin Paris Lyon Berlin Munich Madrid
    Barcelona Lisbon SaoPaulo Rio BuenosAires Bogota CDMX Lagos Accra Nairobi Cairo Riyadh
    Dubai Istanbul Moscow Kyiv Warsaw Amsterdam Mumbai Delhi Bangalore Jakarta Manila Tokyo
    Osaka Seoul Taipei HongKong Sydney Melbourne Texas Florida Ohio Scotland Wales
""".split()
BIO_TEMPLATES = (
    "{role} | {interest} | {place}", "{interest} & {interest2}", "{role}. {interest} fan.",
    "{place} 📍", "{role} from {place}", "I like {interest} and {interest2}",
    "{interest} {emoji} {interest2} {emoji}", "{age} | {place} | {interest}",
    "{role} by day, {interest} by night", "{interest} is life {emoji}",
    "{role} @ {company}", "Proud {role}. {interest}.", "{place} → {place2}",
    "{emoji} {role} {emoji}", "{interest}, {interest2}, {interest3}", "{name}'s {relation} {emoji}",
    "{role}. {opinion}", "{opinion}", "{interest} | {age}", "{lang_phrase}",
)
#: Organic but promotional bios (creators, shops, musicians): links and calls to action.
BIO_PROMO = (
    "{interest} content every week 🎥 youtube.com/c/{handle}", "Handmade {interest} stuff 🧶 etsy.com/shop/{shop}",
    "DM for collabs 📩 | {interest}", "📍{place} | bookings: {handle}@gmail.com", "Link in bio 👇 linktr.ee/{handle}",
    "New single out now 🎶 spoti.fi/{handle}", "Shop: {shop}.com {emoji}", "Photographer 📷 {place} | DM for shoots",
    "{interest} coach | free guide 👉 {shop}.com/free", "Twitch: twitch.tv/{handle} {emoji}",
    "Follow my {interest} page @{handle}", "Small business owner {emoji} {shop}.com", "Podcast: {interest} talk 🎙️ anchor.fm/{handle}",
)
BIO_OPINIONS = (
    "Opinions are my own", "RT ≠ endorsement", "Coffee first", "Still figuring it out",
    "Probably tweeting about {interest}", "Here for the memes", "Sarcasm is my love language",
    "Not a morning person", "Overthinker", "Will talk about {interest} for hours",
)
BIO_RELATIONS = ("mom", "dad", "wife", "husband", "sister", "brother", "girlfriend", "boyfriend", "bestie")
BIO_LANG_PHRASES = (
    "Amo {interest} y viajar", "Apaixonada por {interest}", "{interest}が好き", "{interest} 좋아해요",
    "Fan de {interest}", "J'aime le {interest}", "Ich liebe {interest}", "Amante del {interest}",
    "Estudante de {field}", "Estudiante de {field}", "{field}専攻", "Öğrenci | {interest}",
)
FIELDS = ("Direito", "Medicina", "Derecho", "Ingeniería", "Psicologia", "Informática", "経済", "Arquitectura")

POST_TEMPLATES = (
    "hello world", "first post!", "ok how does this work", "finally joined lol",
    "is anyone else watching {show}?", "{interest} tonight, who's in", "can't sleep again",
    "good morning {emoji}", "this {food} is amazing {emoji}", "why is {thing} so hard",
    "new here, say hi {emoji}", "just finished {show}, no spoilers pls", "{team} let's gooo",
    "mondays...", "I need a vacation", "{interest} > everything", "anyone into {interest}?",
    "my {pet} is being so dramatic today", "listening to {artist} on repeat",
    "{artist} new album is 🔥", "coffee #{n} of the day", "rain again in {place}",
    "who else is up at this hour", "today was a good day", "this app is confusing lol",
    "hola a todos {emoji}", "bom dia gente", "おはようございます", "안녕하세요", "salut tout le monde",
    "que calor en {place}", "alguém aí assiste {show}?", "今日も一日がんばろう", "오늘 날씨 좋다",
    "{team} fans where you at", "thoughts on {thing}?", "ugh {thing}", "can't believe {thing}",
    "{interest} recommendations?", "lol", "{emoji}{emoji}", "testing 1 2 3",
)
POST_OPENERS = ("", "", "", "", "ok ", "honestly ", "lowkey ", "ngl ", "wow ", "omg ", "ugh ", "so ",
                "idk but ", "update: ", "PSA: ", "real talk: ", "not gonna lie ", "y'all ", "me: ", "today ")
POST_CLOSERS = ("", "", "", "", " lol", " haha", " 😂", "!!", " tbh", "...", " 🙃", " smh", " fr",
                " #{interest}", " #{interest} #{interest2}", " @{handle}", " (again)", " 😭😭", " ✨", "?")
MORE_POSTS = (
    "just got back from {place}", "{place} was amazing this weekend", "trying to learn {interest}",
    "day {n} of learning {interest}", "my {pet} just knocked over my {food}", "made {food} for dinner",
    "watching {show} for the {n}th time", "{artist} concert tickets sold out in minutes",
    "who's going to the {team} game", "can someone explain {thing} to me", "{interest} club meeting tonight",
    "slept {n} hours, feeling great", "the {food} place near my house closed 😢", "my first {interest} class",
    "finally finished my {interest} project", "{n} more days until vacation", "new {interest} setup",
    "recommend me a {interest} book", "happy birthday to my {relation}!", "{team} need a new coach",
    "is {show} worth watching?", "bus was late again", "work is killing me", "weekend plans: {interest}",
)
REPLY_TEMPLATES = (
    "same", "lol", "this!!", "so true", "agree", "{emoji}", "haha yes", "wait what",
    "omg", "love this {emoji}", "no way", "facts", "thanks for sharing", "exactly this",
    "jajaja", "kkkkk", "www", "ㅋㅋㅋ", "mdr", "congrats!", "where is this?", "need this",
)
SHOWS = ("Stranger Things", "The Boys", "Game of Thrones", "La Casa de Papel", "Euphoria",
         "Love Island", "The Office", "One Piece", "Attack on Titan", "Big Brother", "Dark")
TEAMS = ("Barça", "Real Madrid", "Liverpool", "Man United", "Flamengo", "Boca", "the Lakers",
         "the Yankees", "Arsenal", "Juventus", "PSG", "Chelsea", "Corinthians", "América")
ARTISTS = ("Billie Eilish", "Taylor Swift", "BTS", "Bad Bunny", "Ed Sheeran", "Lizzo",
           "Anitta", "Post Malone", "Ariana Grande", "Burna Boy", "Rosalía", "Lil Nas X")
FOODS = ("pizza", "ramen", "taco", "coffee", "cake", "burger", "pho", "biryani", "açaí")
THINGS = ("adulting", "this weather", "the traffic", "math", "taxes", "the new update",
          "waking up", "making friends", "the ending", "cooking rice")
PETS = ("cat", "dog", "puppy", "kitten", "parrot", "hamster")
