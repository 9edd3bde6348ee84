"""Vocabulary for the traffic simulator: people's names across cultures, words.

Plain data, no logic. Each culture maps to first and last names as ``(latin, native)``
pairs: ``latin`` is what people type in a handle or e-mail address, ``native`` what
they show as a display name (the same string for Latin-script cultures).

Lists are deliberately long and mixed: the simulator must not make organic accounts
look more uniform than they are, or lookalike detection becomes too easy.
"""
from __future__ import annotations


def _plain(s: str) -> list[tuple[str, str]]:
    # "_" joins a multi-word name ("Dela_Cruz"): no space in handles, a space on display
    return [(w.replace("_", ""), w.replace("_", " ")) for w in s.split()]


def _pairs(s: str) -> list[tuple[str, str]]:
    out = []
    for item in s.split():
        latin, native = item.split(":")
        out.append((latin.replace("_", ""), native.replace("_", " ")))
    return out


FIRST: dict[str, list[tuple[str, str]]] = {
    "en": _plain("""
        James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara
        Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa
        Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily
        Andrew Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda George Melissa
        Edward Deborah Ronald Stephanie Timothy Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia
        Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Helen Stephen Anna Larry
        Brenda Justin Pamela Scott Nicole Brandon Emma Benjamin Samantha Samuel Katherine
        Gregory Christine Frank Debra Alexander Rachel Raymond Catherine Patrick Carolyn Jack
        Janet Dennis Ruth Jerry Maria Tyler Heather Aaron Diane Jose Virginia Adam Julie Henry
        Joyce Nathan Victoria Douglas Olivia Zachary Kelly Peter Christina Kyle Lauren Walter
        Joan Ethan Evelyn Jeremy Judith Harold Megan Keith Cheryl Christian Andrea Roger Hannah
        Noah Martha Gerald Jacqueline Carl Frances Terry Gloria Sean Ann Austin Teresa Arthur
        Kathryn Lawrence Sara Jesse Janice Dylan Jean Bryan Alice Joe Madison Jordan Doris
        Billy Abigail Bruce Julia Albert Judy Willie Grace Gabriel Denise Logan Amber Alan
        Marilyn Juan Beverly Wayne Danielle Roy Theresa Ralph Sophia Randy Marie Eugene Diana
        Vincent Brittany Russell Natalie Elijah Isabella Louis Charlotte Bobby Rose Philip
        Alexis Johnny Kayla Liam Harper Mason Aiden Chloe Owen Zoe Caleb Riley Hunter Lily
        Connor Addison Tanner Brooklyn Colton Savannah Declan Aubrey Finn Paisley Rhys Skylar
        Kai Quinn Jaden Morgan Trey Destiny Darnell Keisha Tyrone Latoya DeShawn Shanice
        Malik Imani Jamal Aaliyah Terrence Ebony Marcus Tiana Andre Jasmine Reggie Monique
        Callum Siobhan Niamh Ciaran Aoife Eoin Saoirse Oisin Fiona Hamish Isla Angus Moira
        Ollie Poppy Alfie Freya Archie Imogen Harvey Millie Jake Jess Tom Becky Dan Kate
    """),
    "es": _plain("""
        Alejandro Sofia Daniel Valentina Pablo Lucia Hugo Martina Alvaro Paula Adrian Julia
        David Daniela Diego Camila Javier Mariana Mario Valeria Sergio Ximena Marcos Regina
        Manuel Fernanda Carlos Gabriela Miguel Andrea Antonio Natalia Jorge Isabela Luis
        Alejandra Francisco Carmen Rafael Rocio Fernando Elena Eduardo Ana Raul Laura Ricardo
        Patricia Roberto Beatriz Arturo Guadalupe Emilio Veronica Gonzalo Lorena Ignacio Pilar
        Joaquin Monica Santiago Claudia Mateo Adriana Sebastian Teresa Nicolas Silvia Tomas
        Rosa Andres Alicia Cristian Marisol Ramon Yolanda Esteban Brenda Rodrigo Karla Ivan
        Paola Hector Vanessa Julio Esperanza Oscar Ines Agustin Florencia Benjamin Milagros
        Emiliano Renata Leonardo Ximena Matias Catalina Thiago Abril Facundo Micaela Gael
        Jimena Iker Nerea Unai Aitana Alba Noelia Iratxe Xavi Montse Jordi Nuria Pau Laia
    """),
    "pt": _plain("""
        Joao Maria Pedro Ana Lucas Julia Gabriel Beatriz Matheus Larissa Rafael Camila Gustavo
        Fernanda Felipe Amanda Bruno Leticia Thiago Mariana Rodrigo Bruna Guilherme Carolina
        Leonardo Isabela Vinicius Gabriela Eduardo Juliana Henrique Aline Diego Patricia Caio
        Renata Marcelo Vanessa Andre Tatiana Fabio Priscila Ricardo Daniela Paulo Natalia
        Leandro Luana Alexandre Raquel Igor Thais Murilo Bianca Otavio Yasmin Davi Heloisa
        Enzo Valentina Arthur Livia Bernardo Manuela Samuel Alice Joaquim Rita Tiago Ines
        Goncalo Catarina Duarte Matilde Rui Sofia Nuno Marta Vasco Leonor Jefferson Kelly
        Wellington Jessica Anderson Suellen Cleiton Rayane Wesley Kaique Railson Josiane
    """),
    "fr": _plain("""
        Lucas Emma Hugo Lea Louis Chloe Gabriel Manon Arthur Camille Jules Ines Raphael Jade
        Adam Louise Nathan Sarah Theo Lina Tom Zoe Maxime Clara Antoine Juliette Alexandre
        Pauline Nicolas Marine Julien Mathilde Romain Lucie Guillaume Elodie Quentin Margaux
        Baptiste Oceane Thomas Anais Pierre Justine Mehdi Yasmine Karim Amel Yanis Nour
        Benoit Helene Olivier Sandrine Thierry Nathalie Sebastien Aurelie Cedric Celine
        Florian Laetitia Jeremy Coralie Loic Gaelle Mathis Maelys Enzo Lola Noah Ambre
    """),
    "de": _plain("""
        Lukas Anna Leon Lea Finn Hannah Jonas Mia Paul Lena Felix Laura Maximilian Sophie
        Luca Lisa Tim Marie Jan Julia Niklas Sarah Moritz Katharina Jannik Johanna Florian
        Alina Tobias Franziska Philipp Jana Sebastian Vanessa Fabian Nina Dominik Carina
        Matthias Stefanie Stefan Sabine Andreas Claudia Thomas Petra Markus Anja Michael
        Kerstin Jens Silke Torsten Heike Uwe Birgit Dirk Ute Sven Maren Kai Wiebke Jannis
        Malte Merle Bastian Frieda Ole Emilia Henrik Greta Lennart Ida Emre Elif Mehmet Ayse
    """),
    "it": _plain("""
        Francesco Giulia Alessandro Sofia Lorenzo Aurora Leonardo Alice Mattia Ginevra Andrea
        Emma Gabriele Giorgia Riccardo Beatrice Tommaso Martina Edoardo Chiara Matteo Sara
        Davide Federica Giuseppe Francesca Marco Valentina Luca Elisa Simone Silvia Stefano
        Paola Roberto Alessia Paolo Elena Antonio Roberta Salvatore Ilaria Vincenzo Serena
        Giovanni Claudia Fabio Anna Daniele Noemi Nicolo Gaia Pietro Camilla Filippo Rebecca
    """),
    "ru": _pairs("""
        Alexander:Александр Dmitry:Дмитрий Maxim:Максим Sergey:Сергей Andrey:Андрей
        Alexey:Алексей Artyom:Артём Ilya:Илья Kirill:Кирилл Mikhail:Михаил Nikita:Никита
        Matvey:Матвей Roman:Роман Egor:Егор Arseny:Арсений Ivan:Иван Denis:Денис
        Evgeny:Евгений Timofey:Тимофей Vladimir:Владимир Pavel:Павел Oleg:Олег Igor:Игорь
        Anastasia:Анастасия Maria:Мария Daria:Дарья Anna:Анна Elizaveta:Елизавета
        Polina:Полина Victoria:Виктория Ekaterina:Екатерина Sofia:София Alina:Алина
        Ksenia:Ксения Natalia:Наталья Olga:Ольга Tatiana:Татьяна Irina:Ирина Elena:Елена
        Svetlana:Светлана Yulia:Юлия Marina:Марина Valeria:Валерия Vera:Вера Oksana:Оксана
        Bogdan:Богдан Taras:Тарас Mykola:Микола Olena:Олена Yaroslav:Ярослав Vitaly:Виталий
    """),
    "ar": _pairs("""
        Mohammed:محمد Ahmed:أحمد Ali:علي Omar:عمر Youssef:يوسف Khalid:خالد Abdullah:عبدالله
        Hassan:حسن Hussein:حسين Ibrahim:إبراهيم Mahmoud:محمود Mustafa:مصطفى Saad:سعد
        Faisal:فيصل Tariq:طارق Sami:سامي Nasser:ناصر Karim:كريم Rami:رامي Ziad:زياد
        Fatima:فاطمة Aisha:عائشة Maryam:مريم Noura:نورة Sara:سارة Layla:ليلى Huda:هدى
        Reem:ريم Amal:أمل Hanan:حنان Dina:دينا Mona:منى Salma:سلمى Yasmin:ياسمين Rana:رنا
        Lujain:لجين Ghada:غادة Nada:ندى Hala:هالة Abeer:عبير Bader:بدر Fahad:فهد Turki:تركي
    """),
    "hi": _pairs("""
        Aarav:आरव Vivaan:विवान Aditya:आदित्य Arjun:अर्जुन Rohan:रोहन Rahul:राहुल Amit:अमित
        Vikas:विकास Sanjay:संजय Rajesh:राजेश Suresh:सुरेश Anil:अनिल Sunil:सुनील Deepak:दीपक
        Manish:मनीष Pradeep:प्रदीप Ankit:अंकित Nikhil:निखिल Karan:करण Varun:वरुण Yash:यश
        Priya:प्रिया Ananya:अनन्या Diya:दिया Pooja:पूजा Neha:नेहा Sneha:स्नेहा Kavya:काव्य
        Riya:रिया Shreya:श्रेया Anjali:अंजलि Sunita:सुनीता Meera:मीरा Divya:दिव्या Isha:ईशा
        Nisha:निशा Swati:स्वाति Aishwarya:ऐश्वर्या Lakshmi:लक्ष्मी Harpreet:हरप्रीत
        Gurpreet:गुरप्रीत Simran:सिमरन Venkat:वेंकट Srinivas:श्रीनिवास Karthik:कार्तिक
        Lakshman:लक्ष्मण Bhavna:भावना Tanvi:तन्वी Abhishek:अभिषेक Saurabh:सौरभ
    """),
    "ja": _pairs("""
        Haruto:陽翔 Sota:蒼太 Yuto:悠斗 Hayato:隼人 Ren:蓮 Riku:陸 Takumi:拓海 Kenta:健太
        Daiki:大輝 Shota:翔太 Yuki:由紀 Takeshi:武 Hiroshi:博 Kazuki:一輝 Naoki:直樹
        Ryota:涼太 Kaito:海斗 Sho:翔 Tsubasa:翼 Kenji:健二 Makoto:誠 Satoshi:聡
        Yui:結衣 Hina:陽菜 Sakura:さくら Aoi:葵 Mei:芽依 Rin:凛 Yuna:優奈 Misaki:美咲
        Haruka:遥 Nanami:七海 Ayaka:彩花 Miyu:美優 Saki:早紀 Mao:真央 Emi:恵美 Kana:佳奈
        Ai:愛 Nozomi:希 Chihiro:千尋 Asuka:明日香 Yuka:由香 Mayu:麻由 Rina:里奈 Akari:あかり
    """),
    "ko": _pairs("""
        Minjun:민준 Seojun:서준 Doyun:도윤 Yejun:예준 Siwoo:시우 Hajun:하준 Jiho:지호
        Junseo:준서 Hyunwoo:현우 Jihoon:지훈 Sungmin:성민 Donghyun:동현 Taeyang:태양
        Jaehyun:재현 Minho:민호 Seungwoo:승우 Jisung:지성 Youngjae:영재 Wonwoo:원우
        Seoyeon:서연 Seoyun:서윤 Jiwoo:지우 Seohyun:서현 Minseo:민서 Haeun:하은 Jiyoon:지윤
        Soyeon:소연 Yuna:유나 Chaewon:채원 Jiwon:지원 Eunji:은지 Hyejin:혜진 Minji:민지
        Sujin:수진 Yerin:예린 Dahyun:다현 Nayeon:나연 Jimin:지민 Hana:하나 Bora:보라
    """),
    "zh": _pairs("""
        Wei:伟 Fang:芳 Na:娜 Min:敏 Jing:静 Li:丽 Qiang:强 Lei:磊 Jun:军 Yang:洋 Yong:勇
        Yan:艳 Jie:杰 Juan:娟 Tao:涛 Ming:明 Chao:超 Xiuying:秀英 Xia:霞 Ping:平 Gang:刚
        Hui:慧 Hao:浩 Yu:宇 Xin:欣 Yi:怡 Zihan:子涵 Yuxuan:雨轩 Haoran:浩然 Zixuan:梓轩
        Xinyi:欣怡 Jiahao:嘉豪 Junjie:俊杰 Shuang:爽 Lin:琳 Kai:凯 Bo:博 Peng:鹏 Dan:丹
        Meiling:美玲 Xiaoming:小明 Chenxi:晨曦 Ruoxi:若曦 Zhiwei:志伟 Jiaming:家明 Weiting:韋廷
        Yating:雅婷 Shuhua:淑华 Kaiwen:凯文 Yiting:怡婷 Chiahui:佳慧 Tzuyu:子瑜 Hsinyi:欣怡
    """),
    "tr": _plain("""
        Mehmet Mustafa Ahmet Ali Huseyin Hasan Ibrahim Ismail Osman Yusuf Murat Emre Burak
        Omer Fatih Serkan Kerem Baris Cem Can Deniz Eren Arda Berk Onur Tolga Ugur Volkan
        Fatma Ayse Emine Hatice Zeynep Elif Meryem Sultan Merve Esra Busra Buse Ece Gizem
        Ozge Tugba Seda Derya Ipek Selin Irem Duygu Damla Aslihan Nazli Sevgi Yagmur Cansu
    """),
    "id": _plain("""
        Budi Agus Eko Dwi Adi Andi Rizky Fajar Bayu Dimas Arif Hendra Wahyu Yoga Ilham
        Muhammad Putra Aditya Bagus Teguh Rudi Joko Slamet Ahmad Irfan Reza Fikri Hafiz
        Siti Sri Dewi Putri Ayu Rina Wulan Indah Fitri Lestari Nur Ratna Intan Anisa Nabila
        Dinda Citra Mega Novi Tari Yuli Ani Eka Ratih Kartika Melati Salsabila Aulia Nadia
        Jose Mark Joshua Angelo Carlo Paolo Miguel Rommel Jhun Bong Mary Grace Joy Kristine
        Maricel Rowena Jenelyn Rhea Cherry Princess Angelica Nguyen Minh Duc Huy Khanh Linh
        Trang Thao Phuong Hoa Lan Hanh Quang Tuan Thanh Dung Anh Hieu Long Nam
    """),
    "ng": _plain("""
        Chinedu Emeka Obinna Chukwuemeka Ifeanyi Nnamdi Uche Ikenna Tunde Segun Femi Kunle
        Bayo Dayo Wale Yemi Seun Tobi Kayode Babatunde Olumide Adebayo Musa Ibrahim Sani
        Abubakar Aliyu Usman Chioma Ngozi Amaka Adaeze Nneka Chiamaka Ifeoma Funmilayo Yetunde
        Bukola Folake Titilayo Kemi Tolu Zainab Aisha Hauwa Amina Blessing Favour Precious
        Godwin Kwame Kofi Ama Akosua Yaw Esi Thabo Sipho Lerato Thandiwe Zanele Bongani
    """),
    "pl": _plain("""
        Jakub Kacper Szymon Filip Jan Antoni Wojciech Mateusz Bartosz Piotr Krzysztof Tomasz
        Pawel Marcin Michal Lukasz Grzegorz Adam Zuzanna Julia Zofia Maja Lena Hanna Alicja
        Oliwia Natalia Aleksandra Agnieszka Katarzyna Malgorzata Joanna Magdalena Ewa Monika
        Karolina Dominika Weronika Wiktoria Justyna Sylwia Iwona Beata Daan Sem Lotte Sanne
        Bram Thijs Femke Jesse Lieke Ruben Anouk Stijn Joris Floor Maarten Eva Pieter Bas
    """),
}

LAST: dict[str, list[tuple[str, str]]] = {
    "en": _plain("""
        Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
        Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
        Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
        Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
        Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes
        Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
        Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
        James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers
        Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
        Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander
        Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson
        Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
        McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman
        Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon
        Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
        Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
        Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters
        Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane
        Riley Andrews Ray Berry Perkins Hoffman Johnston Matthews Pena Richards Willis Carpenter
        Lawrence Sandoval OBrien Byrne Walsh Doyle Gallagher Quinn McCarthy Fitzgerald Lynch
        MacLeod Fraser Campbell Stewart Hughes Davies Price Jenkins Lloyd Rees Thomas Llewellyn
    """),
    "es": _plain("""
        Garcia Rodriguez Gonzalez Fernandez Lopez Martinez Sanchez Perez Gomez Martin Jimenez
        Ruiz Hernandez Diaz Moreno Alvarez Munoz Romero Alonso Gutierrez Navarro Torres
        Dominguez Vazquez Ramos Gil Ramirez Serrano Blanco Suarez Molina Morales Ortega
        Delgado Castro Ortiz Rubio Marin Sanz Nunez Iglesias Medina Garrido Cortes Castillo
        Santos Lozano Guerrero Cano Prieto Mendez Cruz Calvo Gallego Vidal Leon Herrera
        Marquez Pena Flores Cabrera Campos Vega Fuentes Carrasco Diez Reyes Caballero Nieto
        Aguilar Pascual Santana Herrero Lorenzo Montero Hidalgo Gimenez Ibanez Ferrer Duran
        Santiago Benitez Mora Vicente Vargas Arias Carmona Crespo Roman Pastor Soto Saez
        Velasco Moya Soler Parra Esteban Bravo Gallardo Rojas Espinoza Quispe Mamani Huaman
        Villanueva Salazar Contreras Figueroa Aguirre Pacheco Valenzuela Sepulveda Araya
    """),
    "pt": _plain("""
        Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro
        Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento
        Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Goncalves Santana
        Teixeira Araujo Cavalcanti Correia Pinto Monteiro Moura Batista Campos Borges Melo
        Azevedo Cunha Reis Castro Farias Duarte Sousa Tavares Pires Magalhaes Fonseca Leite
    """),
    "fr": _plain("""
        Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel
        Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine
        Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier
        Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel
        Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour
        Meunier Brun Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud
        Benali Haddad Mansouri Bouzid Diallo Traore Ndiaye Kone Camara Sylla
    """),
    "de": _plain("""
        Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schafer
        Koch Bauer Richter Klein Wolf Schroder Neumann Schwarz Zimmermann Braun Kruger Hofmann
        Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Kohler
        Herrmann Konig Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Moller Weiss Jung
        Hahn Schubert Vogel Friedrich Keller Gunther Frank Berger Winkler Roth Beck Lorenz
        Baumann Franke Albrecht Schuster Simon Ludwig Bohm Winter Kraus Martin Schumacher
        Kramer Vogt Stein Jager Otto Sommer Gross Seidel Heinrich Brandt Haas Schreiber
        Yilmaz Kaya Demir Celik Sahin Ozturk Kowalski Nowak
    """),
    "it": _plain("""
        Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
        Conti DeLuca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro
        Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale
        Lombardo Serra Coppola DeSantis DAngelo Marchetti Parisi Villa Conte Ferraro Ferri
        Fabbri Bianco Marini Grasso Valentini Messina Sala DeRosa Gatti Pellegrini Palumbo
    """),
    "ru": _pairs("""
        Ivanov:Иванов Smirnov:Смирнов Kuznetsov:Кузнецов Popov:Попов Vasiliev:Васильев
        Petrov:Петров Sokolov:Соколов Mikhailov:Михайлов Novikov:Новиков Fedorov:Фёдоров
        Morozov:Морозов Volkov:Волков Alekseev:Алексеев Lebedev:Лебедев Semenov:Семёнов
        Egorov:Егоров Pavlov:Павлов Kozlov:Козлов Stepanov:Степанов Nikolaev:Николаев
        Orlov:Орлов Andreev:Андреев Makarov:Макаров Nikitin:Никитин Zakharov:Захаров
        Zaitsev:Зайцев Soloviev:Соловьёв Borisov:Борисов Yakovlev:Яковлев Grigoriev:Григорьев
        Romanov:Романов Vorobiev:Воробьёв Sergeev:Сергеев Kuzmin:Кузьмин Frolov:Фролов
        Shevchenko:Шевченко Bondarenko:Бондаренко Kovalenko:Коваленко Tkachenko:Ткаченко
        Kravchenko:Кравченко Melnyk:Мельник Boyko:Бойко Savchenko:Савченко Rudenko:Руденко
    """),
    "ar": _pairs("""
        AlSaud:آل_سعود AlQahtani:القحطاني AlOtaibi:العتيبي AlGhamdi:الغامدي AlZahrani:الزهراني
        AlShehri:الشهري AlHarbi:الحربي AlDosari:الدوسري AlMutairi:المطيري AlAnazi:العنزي
        Hassan:حسن Mahmoud:محمود Ibrahim:إبراهيم Abdelrahman:عبدالرحمن Saleh:صالح
        Mansour:منصور Haddad:حداد Khalil:خليل Nasser:ناصر Farouk:فاروق Hamdan:حمدان
        ElSayed:السيد Mostafa:مصطفى Abdallah:عبدالله Youssef:يوسف Kamal:كمال Fathy:فتحي
        Shaker:شاكر Rashid:راشد Salem:سالم Amin:أمين Ashour:عاشور Badawi:بدوي Darwish:درويش
    """),
    "hi": _pairs("""
        Sharma:शर्मा Verma:वर्मा Gupta:गुप्ता Singh:सिंह Kumar:कुमार Patel:पटेल Shah:शाह
        Mehta:मेहता Joshi:जोशी Agarwal:अग्रवाल Jain:जैन Yadav:यादव Mishra:मिश्रा
        Pandey:पांडे Tiwari:तिवारी Chauhan:चौहान Reddy:रेड्डी Rao:राव Nair:नायर Iyer:अय्यर
        Menon:मेनन Pillai:पिल्लई Das:दास Bose:बोस Banerjee:बनर्जी Chatterjee:चटर्जी
        Mukherjee:मुखर्जी Ghosh:घोष Sen:सेन Kapoor:कपूर Malhotra:मल्होत्रा Khanna:खन्ना
        Chopra:चोपड़ा Bhatia:भाटिया Saxena:सक्सेना Srivastava:श्रीवास्तव Thakur:ठाकुर
        Naidu:नायडू Kulkarni:कुलकर्णी Deshmukh:देशमुख Patil:पाटिल Gill:गिल Sandhu:संधू
    """),
    "ja": _pairs("""
        Sato:佐藤 Suzuki:鈴木 Takahashi:高橋 Tanaka:田中 Watanabe:渡辺 Ito:伊藤
        Yamamoto:山本 Nakamura:中村 Kobayashi:小林 Kato:加藤 Yoshida:吉田 Yamada:山田
        Sasaki:佐々木 Yamaguchi:山口 Matsumoto:松本 Inoue:井上 Kimura:木村 Hayashi:林
        Shimizu:清水 Yamazaki:山崎 Mori:森 Abe:阿部 Ikeda:池田 Hashimoto:橋本
        Yamashita:山下 Ishikawa:石川 Nakajima:中島 Maeda:前田 Fujita:藤田 Ogawa:小川
        Goto:後藤 Okada:岡田 Hasegawa:長谷川 Murakami:村上 Kondo:近藤 Ishii:石井
    """),
    "ko": _pairs("""
        Kim:김 Lee:이 Park:박 Choi:최 Jung:정 Kang:강 Cho:조 Yoon:윤 Jang:장 Lim:임
        Han:한 Oh:오 Seo:서 Shin:신 Kwon:권 Hwang:황 Ahn:안 Song:송 Yoo:유 Hong:홍
        Jeon:전 Ko:고 Moon:문 Yang:양 Son:손 Bae:배 Baek:백 Heo:허 Nam:남 Noh:노
    """),
    "zh": _pairs("""
        Wang:王 Li:李 Zhang:张 Liu:刘 Chen:陈 Yang:杨 Huang:黄 Zhao:赵 Wu:吴 Zhou:周
        Xu:徐 Sun:孙 Ma:马 Zhu:朱 Hu:胡 Guo:郭 He:何 Lin:林 Gao:高 Luo:罗 Zheng:郑
        Liang:梁 Xie:谢 Song:宋 Tang:唐 Han:韩 Feng:冯 Deng:邓 Cao:曹 Peng:彭 Zeng:曾
        Xiao:肖 Tian:田 Dong:董 Pan:潘 Yuan:袁 Cai:蔡 Jiang:蒋 Yu:余 Du:杜 Ye:叶
        Cheng:程 Wei:魏 Su:苏 Lu:卢 Ding:丁 Ren:任 Shen:沈 Yao:姚 Chang:張 Tsai:蔡
        Wong:黃 Chan:陳 Leung:梁 Lau:劉 Cheung:張 Ng:吳 Ho:何 Tse:謝 Kwok:郭
    """),
    "tr": _plain("""
        Yilmaz Kaya Demir Sahin Celik Yildiz Yildirim Ozturk Aydin Ozdemir Arslan Dogan
        Kilic Aslan Cetin Kara Koc Kurt Ozkan Simsek Polat Korkmaz Ozcan Erdogan Cakir
        Yavuz Can Sen Aktas Guler Tekin Bulut Keskin Unal Gunes Bozkurt Karaca Ates Bayram
    """),
    "id": _plain("""
        Santoso Wijaya Saputra Pratama Hidayat Nugroho Setiawan Kurniawan Wibowo Susanto
        Gunawan Hartono Siregar Nasution Lubis Harahap Simanjuntak Sihombing Purnomo Rahman
        Hakim Syahputra Permana Ramadhan Utomo Halim Tanjung Sinaga Suryadi Firmansyah
        Reyes Cruz Bautista Santos Garcia Mendoza Dela_Cruz Villanueva Aquino Ramos Castillo
        Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly
    """),
    "ng": _plain("""
        Okafor Okonkwo Eze Nwosu Obi Chukwu Okeke Nwachukwu Ogunleye Adeyemi Adebayo Oladipo
        Ogunbiyi Afolabi Balogun Bello Abubakar Mohammed Usman Yusuf Danjuma Olawale Akinyemi
        Oyelaran Onyekachi Igwe Uzor Anyanwu Ekwueme Achebe Mensah Owusu Boateng Asante
        Nkosi Dlamini Ndlovu Khumalo Mokoena Mahlangu Mwangi Otieno Kamau Odhiambo Wanjiru
    """),
    "pl": _plain("""
        Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski
        Wozniak Dabrowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski
        Pawlowski Michalski Nowakowski Adamczyk Dudek Zajac Wieczorek Jablonski Krol Majewski
        deJong Jansen deVries vandenBerg vanDijk Bakker Janssen Visser Smit Meijer deBoer
        Mulder deGroot Bos Vos Peters Hendriks vanLeeuwen Dekker Brouwer deWit Dijkstra
    """),
}

#: English words used in nicknames and handles ("quietfox", "lunar_tide").
ADJECTIVES = """
    happy lazy sleepy little big tiny grumpy silly crazy lucky sunny rainy misty quiet loud
    wild brave lost lonely cosmic lunar solar golden silver crimson blue green purple pink
    dark bright fuzzy salty spicy sweet sour bitter frozen burnt rusty dusty wandering
    midnight early late secret hidden broken electric neon vintage retro analog digital
    urban rural northern southern eastern western ancient modern tired awake dreamy stormy
    gentle fierce humble noble royal proper real true only just simply mostly barely
    chill cozy mellow witty nerdy geeky sassy classy fancy random weird odd extra super
""".split()

NOUNS = """
    fox wolf bear cat dog panda tiger lion owl hawk crow raven sparrow bee moth koala otter
    badger rabbit bunny turtle frog shark whale dolphin penguin llama alpaca sloth hamster
    moon sun star comet galaxy planet ocean river lake forest mountain valley desert island
    cloud storm thunder rain snow frost ember flame ash smoke shadow ghost dream echo pixel
    coffee tea latte mocha cookie muffin taco burrito noodle ramen sushi mango peach lemon
    cherry berry apple banana pickle potato tomato pepper onion waffle pancake donut bagel
    rider runner walker dreamer thinker reader writer painter drummer singer dancer gamer
    coder hacker maker baker chef nomad pilot sailor ranger knight wizard witch bard poet
    guitar piano violin vinyl cassette radio camera lens canvas ink paper pencil sketch
    garden meadow willow maple cedar pine oak lotus daisy tulip rose lily ivy fern moss
""".split()

#: Fan/hobby words for handles ("arsenalfan", "kpoplover", "gymrat").
HANDLE_WORDS = """
    gamer fan lover girl boy guy kid queen king princess prince official real the its im
    xo fc army stan life vibes world zone daily tv music art photo travel fit gym food
    eats cooks writes draws plays reads codes talks thinks
""".split()

#: Fandoms and interests: bios, handles, post texts.
INTERESTS = """
    football soccer basketball baseball cricket tennis F1 MotoGP running cycling hiking
    climbing yoga crossfit boxing MMA chess anime manga kpop BTS Blackpink Marvel StarWars
    Pokemon Minecraft Fortnite Valorant LeagueOfLegends Zelda photography travel cooking
    baking gardening knitting painting drawing poetry books coffee tea wine craftbeer
    vinyl jazz hiphop metal indie techno reggaeton sertanejo cumbia bollywood jpop
    astronomy science history politics economics startups crypto design UX python
    javascript rust gamedev woodworking cars motorcycles fishing surfing skating dogs cats
    horses birds plants fashion makeup skincare sneakers podcasts theatre film Netflix
""".split()
