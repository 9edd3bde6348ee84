"""Templates the simulated spam campaigns draw from: spintax texts, links, word pools.

A campaign picks a few templates (seed-driven) and expands them per account or per
message, so its texts are near-duplicates rather than copies. Nothing here is seen by
organic accounts except :data:`HARD_NEGATIVE_REACTIONS` (the flash crowd's replies).
"""
from __future__ import annotations

import random
import re

_SPIN = re.compile(r"\{([^{}]*)\}")


class Spintax:
    """``"{Hi|Hello} {there|friend}"`` -> one random variant per :meth:`expand`.

    Named slots (``{link}``, ``{name}`` ...) without ``|`` are filled from keyword
    arguments; a bare ``{x}`` with no value given stays as literal text.
    """

    __slots__ = ("parts",)

    def __init__(self, template: str):
        parts: list = []
        pos = 0
        for m in _SPIN.finditer(template):
            if m.start() > pos:
                parts.append(template[pos:m.start()])
            body = m.group(1)
            parts.append(tuple(body.split("|")) if "|" in body else ("=" + body,))
            pos = m.end()
        if pos < len(template):
            parts.append(template[pos:])
        self.parts = parts

    def expand(self, r: random.Random, **slots: str) -> str:
        out = []
        for p in self.parts:
            if isinstance(p, str):
                out.append(p)
            elif len(p) == 1 and p[0].startswith("="):
                key = p[0][1:]
                out.append(slots.get(key, "{" + key + "}"))
            else:
                out.append(p[r.randrange(len(p))])
        return "".join(out).strip()


#: Message families: post / dm / reply texts of campaigns.
MESSAGES = {
    "crypto": (
        "{🚀|💰|🔥|⚡} {Free|Claim your|Get your} {BTC|ETH|crypto|USDT} {giveaway|airdrop|bonus} {is live|now open|ends soon|today only}! {Join|Register|Sign up|Claim} {here|now|today}: {link}",
        "{Just|Literally just} {got|received|claimed} {0.5|0.25|1.2|2} {ETH|BTC} from {this|the} {airdrop|giveaway} {🤯|😱|🙏}{!|!!|} {link}",
        "{Elon|Vitalik|CZ} is giving away {5000|10000|2000} {BTC|ETH}! {Send|Deposit} {0.1|0.5|1} and {get|receive} {2x|double} back {👉|➡️} {link}",
    ),
    "adult": (
        "{Hey|Hi|Hello|Hii} {handsome|babe|there|cutie} {😘|💋|😍|🥵} {lonely tonight?|looking for fun?|wanna chat?|bored?} {Check my profile|See my pics|Find me here|Come see} {👉|⬇️|➡️|💦} {link}",
        "{New|Fresh|Hot} {pics|videos|content} {just dropped|up now|uploaded} {🔥|💋|😈} {link}",
        "{I'm|im} {new here|bored|alone} {and|&} {looking for|want} {a friend|someone to talk to|fun} {😘|💕|🙈} {dm me|msg me|text me} {link}",
    ),
    "followers": (
        "{Get|Buy|Gain} {1000|5000|10k|2k} {real|active|organic|genuine} followers {fast|instantly|in 24h|today} {✅|💯|⚡} {link}",
        "{Want|Need} more {followers|likes|views}? {We got you|Easy|100% safe} {✔️|✅|💯} {link}",
    ),
    "shop": (
        "{Huge|Massive|Flash|Crazy} sale on {sneakers|phone cases|watches|sunglasses|hoodies} {up to 70% off|50% off today|buy 1 get 1|free shipping}! {Shop now|Order now|Don't miss out|Grab yours} {link}",
        "{Only|Just} {$9.99|$4.99|$19.99} {today|this weekend|until midnight} {😱|🛒|🔥} {link}",
        "{Limited|Last} {stock|pieces|units} {left|remaining}! {brand} {official store|outlet|} {link}",
    ),
    "politics": (
        "{tag} {is trending|everyone needs to see this|wake up people|share before they delete it} {🇺🇸|💪|🙌|‼️} {cand} {is the only choice|will fix this|has our back|tells the truth}",
        "{RT|Retweet|Share} {if you agree|if you stand with us|this everywhere} {cand} {tag} {tag2}",
        "{The media|They} {won't|will never} {show|tell} you this. {tag} {👇|⬇️}",
    ),
    "invest": (
        "I {made|earned|got} {$3,500|$7,200|$12,000|$950} {this week|in 3 days|last month} {with|thanks to} {this method|my mentor|} {mentor} {DM me|ask me how|link in bio|🙏} {📈|💸|💵}",
        "{Forex|Binary options|Crypto trading} {changed my life|is the way|pays my bills} {🙌|💯|📈} {contact|message|DM} {mentor} {link}",
    ),
    "referral": (
        "{Use|Try} my code {code} on {app} {and get|for} {free coins|$10 off|a free month|bonus credits} {🎁|🤑|✨}",
        "{Download|Get} {app} {with|using} code {code} {— free stuff!|and we both win|🎁}",
    ),
    "followback": (
        "{Follow|Follow me} {and|&} {I'll follow back|I follow back|i follow back} {100%|always|fast} {#followback|#f4f|#teamfollowback|#followtrain}",
        "{Who wants|Anyone want} {new followers|mutuals|to grow}? {Like|RT} {this|and follow everyone who likes} {🚀|💯|🔄}",
    ),
}

#: Families only the held-out ``mix-unseen`` scenario draws from.
UNSEEN_FAMILIES = ("jobs", "giftcard", "vpn", "charity")

MESSAGES.update({
    "jobs": (
        "{Hiring|We're hiring|Now hiring}! {Work from home|Remote work|Part-time online job} {$300|$500|$800}/{day|week} {no experience needed|flexible hours|students welcome} {apply|DM|WhatsApp} {link}",
        "{Looking for|Need} {5|10|20} {people|assistants|partners} {for|to do} {simple tasks|data entry|online surveys} {💼|💻|✅} {link}",
    ),
    "giftcard": (
        "{Free|Claim a} {$100|$50|$500} {Amazon|Steam|iTunes|Google Play} {gift card|voucher} {🎁|🎉} {first 100 people|today only|limited} {link}",
        "{I just got|Got my} {Amazon|Steam|Sephora} {card|code} {lol|😱|omg} {try it|it works|go go} {link}",
    ),
    "vpn": (
        "{Stop|Don't let} {your ISP|hackers|them} {track|spy on} you{!|.} {Fast|Secure|Unlimited} VPN {free trial|70% off|for $1} {🔒|🛡️} {link}",
    ),
    "charity": (
        "{Please|Pls} {help|support} {Maria|Ahmed|Lena|little Sam} {with|for} {surgery|cancer treatment|the flood} {🙏|💔|😢} {every $ counts|any amount helps} {link}",
    ),
})

#: Bio families for campaigns (profile descriptions).
BIOS = {
    "crypto": ("{Crypto|Bitcoin|Blockchain} {enthusiast|investor|trader} {🚀|💎|📈} {Not financial advice|NFA|DYOR} | {link}",
               "{Helping|Teaching} {people|you} {earn|make money} with {crypto|forex|trading} {💰|📈} {DM for info|DM me|👇}"),
    "adult": ("{18+|🔞} {only|} {💋|😈|🔥} {your|} {new|favourite} {girl|bae} {next door|} {👇|⬇️} {link}",
              "{Sweet|Shy|Naughty} {girl|babe} {looking for fun|wanna chat} {💕|😘} {click|tap} {below|the link} {👇|⬇️}"),
    "followers": ("{Social media|Growth|SMM} {expert|services|agency} {✅|⚡} {Followers|Likes|Views} {cheap|fast|real} {link}",),
    "shop": ("{Official|Best|Top} {brand} {store|shop|deals} {🛍️|🛒|✨} {Worldwide shipping|Free delivery|Best prices} {link}",
             "{Shop|Deals on} {sneakers|watches|bags} {at|} {up to 70% off|low prices} {🔥|💯} {link}"),
    "politics": ("{Patriot|Proud citizen|Freedom lover} {🇺🇸|🦅|✝️} {God, family, country|Truth matters|Wake up} {tag} {cand}",
                 "{Mother|Father|Veteran|Christian} {of 3|} {💪|🙏|🇺🇸} {tag} {No DMs|#resist|#1A}"),
    "invest": ("{Financial|Forex|Crypto} {coach|mentor|trader} {💸|📈} {DM to start|DM for mentorship|start with $200} {link}",),
    "referral": ("{Free|Bonus} {coins|credits|gifts} {with my code|🎁} {code}",),
    "followback": ("{I follow back|Follow back 100%|F4F} {🔄|💯|✅} {#followback|#teamfollowback}",),
}

BIOS.update({
    "jobs": ("{Recruiter|HR|Hiring manager} {@|at} {brand} {Careers|Jobs|Group} {💼|📩} {DM for jobs|Apply below} {link}",),
    "giftcard": ("{Daily|Free} {giveaways|gift cards|rewards} {🎁|🎉} {link}",),
    "vpn": ("{Privacy|Security} {first|matters} {🔒|🛡️} {Fast VPN|No logs|Get protected} {link}",),
    "charity": ("{Helping|Raising funds for} {families|children|victims} {in need|of the flood} {🙏|💙} {Donate|Help} {link}",),
})

#: Display-name families.
DISPLAY = {
    "adult": "{💋|😘|🔥|💕|} {first} {💋|😈|✨|🌸|}",
    "shop": "{brand} {Store|Shop|Official|Deals|Outlet}",
    "crypto": "{first} {| |}{| 🚀| 💎| ₿}",
    "politics": "{first} {🇺🇸|🦅|✝️||}{| Patriot|}",
    "invest": "{first} {last}{ | 📈| 💸|}",
}

#: Borrowed quotes some campaigns use as bios (copied or lightly edited).
QUOTES = (
    "Be the change you wish to see in the world", "Live, laugh, love", "Stay hungry, stay foolish",
    "Dream big, work hard", "Everything happens for a reason", "Good vibes only",
    "Life is short, smile while you still have teeth", "Do what you love", "Never give up",
    "Be yourself; everyone else is already taken", "Collect moments, not things",
    "Not all who wander are lost", "Less is more", "Keep calm and carry on",
)

SHORTENERS = ("bit.ly", "tinyurl.com", "goo.gl", "ow.ly", "cutt.ly", "rb.gy", "is.gd", "t.ly", "shorturl.at")
TLDS_SPAM = ("club", "xyz", "online", "top", "site", "live", "info", "icu", "buzz", "fun", "store", "life")
BRANDS = ("Nike", "Adidas", "RayBan", "Rolex", "Casio", "Supreme", "Gucci", "Pandora", "Yeezy", "Fossil")
APPS = ("Cashly", "Rewardo", "Snipz", "Coinly", "PlayPoint", "Gemly", "Lootbox", "Quizzo")
CANDIDATES = ("Senator Hale", "Gov. Marsh", "Mayor Ortega", "Rep. Whitfield", "Dr. Kessler", "Judge Barrow")
TAGS = ("#WakeUp", "#StopTheSteal2019", "#Truth", "#BuildTheWall", "#DrainTheSwamp", "#Vote",
        "#Hale2020", "#MarshForGov", "#FakeNews", "#Justice4All", "#SaveOurCountry", "#NoMore")
MENTORS = ("@trader_mike", "@fx_queen", "@coachdaniel", "@sarah_invests", "@mrwealthy", "@cryptojen")

#: Reactions of a flash crowd (organic people replying to the same post): templated
#: near-duplicates too, which is what makes them a hard negative for text matching.
HARD_NEGATIVE_REACTIONS = (
    "{who's|who is|anyone} here {from|after} {the show|the episode|tv}{?|??|!|}",
    "{omg|OMG|wow} {this is|that was} {amazing|insane|so good}{!|!!|}{ 😭| 🔥| 😍|}",
    "{here because of|came from} {the show|tv|that clip}{ lol| haha|}",
    "{can't believe|cant believe} {what just happened|that ending}{!|...|}",
    "{love|loved} {this|it}{ ❤️| 😍|}",
)
