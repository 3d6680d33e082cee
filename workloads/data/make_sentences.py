"""Generate ``sentences.tsv``: the evaluation data of the ``minilm-embed`` workload.

The data is SYNTHETIC and WRITTEN BY THIS PROJECT (Tourney): every sentence comes from the
templates and word lists below, filled by a seeded random generator. No text is copied from
any corpus, so the file may be shipped and changed freely under the project's licence.

Each row is a sentence and its paraphrase (same meaning, different wording), produced by the
same template with three devices:

* synonym substitution: every slot value is a pair ``(sentence wording, paraphrase wording)``;
* clause reordering: the paraphrase template puts the clauses in another order;
* active/passive: many paraphrase templates turn an active sentence into a passive one.

Twelve topic groups (the ``group`` column), four templates each: a short one, a conditional or
causal one, a question and a long one (most long sentences exceed 32 word-piece tokens, so the
``seq32`` variant truncates them). Columns: ``id``, ``group``, ``sentence``, ``paraphrase``;
UTF-8, tab-separated, ``\\n`` line ends, rows shuffled by the same seed.

Regenerate (byte-for-byte reproducible)::

    python workloads/data/make_sentences.py            # writes workloads/data/sentences.tsv
    python workloads/data/make_sentences.py --out FILE
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 20240607
ROWS = 640
HEADER = ("id", "group", "sentence", "paraphrase")
DEFAULT_OUT = Path(__file__).with_name("sentences.tsv")

Pair = tuple[str, str]
_SLOT = re.compile(r"{([a-z_]+?)(\d*)\[[01]\]}")


@dataclass(frozen=True)
class Group:
    """A topic: word lists (slot name -> values) and (sentence, paraphrase) template pairs.

    A value is a plain string (same in both) or a ``(sentence, paraphrase)`` pair; a template
    uses ``{slot[0]}`` for the sentence wording and ``{slot[1]}`` for the paraphrase wording.
    ``{city2[0]}`` draws a second, different value from the ``city`` list.
    """

    name: str
    slots: dict[str, list[str | Pair]]
    templates: list[Pair]


WEATHER = Group(
    "weather",
    {
        "pl": [
            "the northern hills",
            "the coastal towns",
            "the river valley",
            "the city centre",
            "the mountain passes",
            "the eastern islands",
            "the southern plains",
        ],
        "ev": [
            ("heavy rain", "a downpour"),
            ("strong winds", "powerful gusts"),
            ("thick fog", "dense mist"),
            ("a sudden frost", "an unexpected freeze"),
            ("a violent storm", "a fierce tempest"),
            ("light snow", "a dusting of snow"),
        ],
        "t": [
            ("on Monday", "at the start of the week"),
            ("overnight", "during the night"),
            ("this afternoon", "later today"),
            ("on Friday evening", "late on Friday"),
            ("tomorrow morning", "early tomorrow"),
        ],
        "eff": [
            ("roads will be closed", "the roads will be shut"),
            ("flights may be delayed", "air travel could face delays"),
            ("schools will open late", "classes will start later than usual"),
            ("farmers are worried about their crops", "growers fear for their harvest"),
            ("ferries have been cancelled", "boat services were called off"),
        ],
        "deg": ["12", "18", "25", "31", "minus 4", "7"],
    },
    [
        (
            "Forecasters expect {ev[0]} in {pl[0]} {t[0]}.",
            "According to the forecast, {pl[1]} should see {ev[1]} {t[1]}.",
        ),
        (
            "Because of {ev[0]} {t[0]}, {eff[0]}.",
            "{eff[1]}, due to {ev[1]} {t[1]}.",
        ),
        (
            "Will the temperature in {pl[0]} really climb to {deg[0]} degrees {t[0]}?",
            "Is it true that {pl[1]} could reach {deg[1]} degrees {t[1]}?",
        ),
        (
            "Although the morning in {pl[0]} began calm and bright, {ev[0]} arrived {t[0]}, "
            "and officials warned that {eff[0]}, so residents were told to stay indoors and "
            "check the news regularly.",
            "Residents were advised to remain at home and follow the news closely: despite a "
            "calm, sunny start in {pl[1]}, {ev[1]} came {t[1]}, and officials cautioned that "
            "{eff[1]}.",
        ),
    ],
)

COOKING = Group(
    "cooking",
    {
        "a": [
            ("the chef", "the cook"),
            ("my grandmother", "my grandma"),
            ("the baker", "the pastry cook"),
            ("our host", "the host of the dinner"),
            ("the students", "the pupils"),
            "Maria",
            ("the restaurant owner", "the owner of the restaurant"),
        ],
        "v": [
            ("prepared", "made"),
            ("cooked", "prepared"),
            ("sliced", "cut"),
            ("seasoned", "spiced"),
            ("burned", "scorched"),
            ("tasted", "sampled"),
        ],
        "d": [
            ("vegetable soup", "soup made from vegetables"),
            ("lemon cake", "cake flavoured with lemon"),
            ("chicken curry", "curry with chicken"),
            ("tomato sauce", "sauce made of tomatoes"),
            ("fresh pasta", "freshly made pasta"),
            ("apple pie", "pie filled with apples"),
            ("mushroom risotto", "risotto with mushrooms"),
        ],
        "w": [
            ("this morning", "earlier today"),
            ("last night", "yesterday evening"),
            ("before the guests arrived", "ahead of the guests' arrival"),
            ("for the festival", "for the celebration"),
        ],
        "sauce": [
            ("tomato sauce", "sauce made of tomatoes"),
            ("vegetable soup", "soup made from vegetables"),
            ("chicken curry", "curry with chicken"),
            ("bean stew", "stew of beans"),
            ("onion broth", "broth made with onions"),
        ],
        "ing": [
            ("a pinch of salt", "a little salt"),
            ("fresh basil", "some fresh basil leaves"),
            ("a spoonful of honey", "one spoon of honey"),
            ("grated cheese", "shredded cheese"),
            ("black pepper", "ground pepper"),
            ("lemon juice", "juice from a lemon"),
        ],
        "taste": [
            ("much better", "far nicer"),
            ("richer", "more flavourful"),
            ("surprisingly good", "unexpectedly delicious"),
            ("more balanced", "better balanced"),
        ],
        "n": ["10", "15", "20", "25", "30", "45"],
    },
    [
        ("{a[0]} {v[0]} the {d[0]} {w[0]}.", "The {d[1]} was {v[1]} by {a[1]} {w[1]}."),
        (
            "If you add {ing[0]} to the {sauce[0]}, it tastes {taste[0]}.",
            "The {sauce[1]} tastes {taste[1]} when {ing[1]} is added.",
        ),
        (
            "Should I simmer the {sauce[0]} for {n[0]} minutes before adding {ing[0]}?",
            "Does the {sauce[1]} need {n[1]} minutes of simmering before I add {ing[1]}?",
        ),
        (
            "After spending the whole afternoon in the kitchen, {a[0]} served the {d[0]} with "
            "{ing[0]}, and everyone at the table agreed that it was the best meal they had "
            "eaten in years.",
            "Everyone at the table said it was the finest meal they had had in years when "
            "{a[1]}, having cooked all afternoon, served the {d[1]} and added {ing[1]}.",
        ),
    ],
)

TRAVEL = Group(
    "travel",
    {
        "tr": [
            ("the tourists", "the visitors"),
            "my brother",
            ("a group of students", "several students"),
            ("the couple", "the two partners"),
            "our family",
            ("my colleagues", "the people I work with"),
        ],
        "city": [
            "Lisbon",
            "Kyoto",
            "Nairobi",
            "Oslo",
            "Lima",
            "Prague",
            "Hanoi",
            "Montreal",
            "Cairo",
            "Melbourne",
        ],
        "tp": [
            ("by train", "on the train"),
            ("by bus", "on a coach"),
            ("by ferry", "on the ferry"),
            ("by plane", "on a flight"),
            ("by bicycle", "on a bike"),
        ],
        "dur": ["three days", "five nights", "two weeks", "a week", "ten days", "a month"],
        "ahead": [
            ("two months", "eight weeks"),
            ("a year", "twelve months"),
            ("several weeks", "a number of weeks"),
            ("half a year", "six months"),
        ],
    },
    [
        (
            "{tr[0]} travelled to {city[0]} {tp[0]} and stayed for {dur[0]}.",
            "{tr[1]} went to {city[1]} {tp[1]} and remained there for {dur[1]}.",
        ),
        (
            "{tr[0]} booked the hotel in {city[0]} {ahead[0]} in advance.",
            "The hotel in {city[1]} was reserved by {tr[1]} {ahead[1]} ahead of time.",
        ),
        (
            "How long does it take to get from {city[0]} to {city2[0]} {tp[0]}?",
            "What is the travel time between {city[1]} and {city2[1]} {tp[1]}?",
        ),
        (
            "We missed the last connection in {city[0]}, so we spent the night at a small "
            "guesthouse near the station, and the next morning we continued {tp[0]} to "
            "{city2[0]}, arriving just in time for lunch.",
            "After missing the final connection in {city[1]}, we stayed overnight in a little "
            "guesthouse close to the station before travelling {tp[1]} to {city2[1]} the "
            "following morning, where we arrived right at lunchtime.",
        ),
    ],
)

SCIENCE = Group(
    "science",
    {
        "sc": [
            ("the researchers", "the scientists"),
            ("a team from the university", "university researchers"),
            ("the biologists", "the biology team"),
            ("the physicists", "the physics group"),
            ("two chemists", "a pair of chemists"),
        ],
        "f": [
            ("a new species of frog", "a previously unknown frog species"),
            ("evidence of water on the moon", "proof that the moon holds water"),
            ("a faster way to purify water", "a quicker method of cleaning water"),
            ("a link between sleep and memory", "a connection between memory and sleep"),
            ("a bacterium that digests plastic", "a microbe able to break down plastic"),
            ("an ancient star cluster", "a very old group of stars"),
        ],
        "loc": [
            ("in a remote laboratory", "in an isolated lab"),
            ("near the Arctic coast", "close to the Arctic shoreline"),
            ("during a field trip", "on a field expedition"),
            ("using a new telescope", "with the help of a new telescope"),
        ],
        "ch": [
            ("changes colour", "turns a different colour"),
            ("begins to melt", "starts melting"),
            ("releases a strong smell", "gives off a powerful odour"),
            ("loses most of its weight", "becomes much lighter"),
            ("glows faintly", "emits a weak light"),
        ],
        "temp": ["80", "150", "300", "600", "1,200"],
        "topic": [
            ("on ocean temperatures", "about the temperature of the oceans"),
            ("on bird migration", "about how birds migrate"),
            ("on soil bacteria", "about bacteria in soil"),
            ("on solar panels", "about solar panel efficiency"),
        ],
    },
    [
        ("{sc[0]} discovered {f[0]} {loc[0]}.", "{f[1]} was discovered by {sc[1]} {loc[1]}."),
        (
            "When the sample is heated above {temp[0]} degrees, it {ch[0]}.",
            "The sample {ch[1]} once its temperature exceeds {temp[1]} degrees.",
        ),
        (
            "Did {sc[0]} really find {f[0]} {loc[0]}?",
            "Is it true that {f[1]} was found by {sc[1]} {loc[1]}?",
        ),
        (
            "Although the first measurements looked promising, {sc[0]} decided to wait for "
            "more data before publishing their paper {topic[0]}, because a single error in the "
            "calibration could have changed the conclusions of the entire study.",
            "{sc[1]} chose to collect more data before publishing their paper {topic[1]}, even "
            "though the early measurements seemed encouraging, since one calibration mistake "
            "might have altered the conclusions of the whole study.",
        ),
    ],
)

SPORTS = Group(
    "sports",
    {
        "team": [
            "Harbour City",
            "Red Valley",
            "the Northern Lions",
            "Riverside United",
            "the Blue Falcons",
            "Eastport",
        ],
        "score": ["2-1", "3-0", "1-0", "4-2", "3-2"],
        "v": [
            ("beat", "defeated"),
            ("narrowly beat", "narrowly defeated"),
            ("thrashed", "crushed"),
        ],
        "comp": [
            ("cup final", "final of the cup"),
            ("league match", "league game"),
            ("opening round", "first round"),
            ("semi-final", "semifinal"),
        ],
        "player": ["Ana Silva", "Tom Becker", "Kofi Mensah", "Lena Novak", "Ravi Patel"],
        "role": [
            ("young striker", "teenage forward"),
            ("team captain", "captain of the side"),
            ("substitute", "replacement player"),
        ],
        "min": ["15th", "27th", "44th", "58th", "76th", "89th"],
        "when": [
            ("last weekend", "over the weekend"),
            ("on Wednesday night", "midweek"),
            ("on Sunday", "at the weekend"),
        ],
    },
    [
        (
            "{team[0]} {v[0]} {team2[0]} {score[0]} in the {comp[0]}.",
            "In the {comp[1]}, {team2[1]} were {v[1]} {score[1]} by {team[1]}.",
        ),
        (
            "{player[0]}, the {role[0]}, scored the winning goal in the {min[0]} minute.",
            "The winning goal was scored in the {min[1]} minute by {player[1]}, the {role[1]}.",
        ),
        (
            "Did {team[0]} really lose at home again {when[0]}?",
            "Is it true that {team[1]} were beaten on their own ground again {when[1]}?",
        ),
        (
            "Despite losing their best player to injury in the first half, {team[0]} kept "
            "pressing, and a late header from {player[0]} gave them a {score[0]} win that "
            "lifted them to the top of the table.",
            "{team[1]} won {score[1]} and climbed to first place thanks to a late header by "
            "{player[1]}, even though their top player had been injured before half-time.",
        ),
    ],
)

FINANCE = Group(
    "finance",
    {
        "co": [
            "Northwind",
            "Acme Robotics",
            "Blue Harbor Bank",
            "Sunfield Energy",
            "Orion Foods",
            "Kestrel Airlines",
        ],
        "ch": [("rose", "climbed"), ("fell", "dropped"), ("jumped", "surged")],
        "pct": ["2", "3.5", "5", "8", "12"],
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
        "amount": ["$2 million", "$450,000", "€3.2 million", "£800,000", "$15 million"],
        "purpose": [
            ("marketing", "advertising and promotion"),
            ("new equipment", "buying new machines"),
            ("staff training", "training employees"),
            ("the new factory", "building the new plant"),
        ],
        "cond": [
            ("interest rates stay high", "interest rates remain elevated"),
            ("sales keep falling", "revenue continues to decline"),
            ("fuel prices rise again", "the cost of fuel goes up once more"),
            ("the merger is blocked", "regulators stop the merger"),
        ],
        "act": [
            ("delay its expansion", "postpone its growth plans"),
            ("cut jobs", "reduce its workforce"),
            ("raise prices", "increase what it charges"),
            ("sell two factories", "dispose of two plants"),
        ],
    },
    [
        (
            "Shares of {co[0]} {ch[0]} {pct[0]} percent on {day[0]} after the quarterly report.",
            "After its quarterly report, {co[1]}'s share price {ch[1]} by {pct[1]}% on {day[1]}.",
        ),
        (
            "The board of {co[0]} approved a budget of {amount[0]} for {purpose[0]}.",
            "A {amount[1]} budget for {purpose[1]} was approved by {co[1]}'s board.",
        ),
        (
            "If {cond[0]}, will {co[0]} {act[0]}?",
            "Could {co[1]} {act[1]} in case {cond[1]}?",
        ),
        (
            "Analysts had expected a modest profit, but {co[0]} reported a loss of {amount[0]} "
            "for the year, blaming higher energy costs, weak demand in Europe and a costly "
            "legal dispute that is still unresolved.",
            "{co[1]} posted an annual loss of {amount[1]}, which surprised analysts who had "
            "forecast a small profit; the company pointed to rising energy prices, soft "
            "European demand and an expensive, ongoing lawsuit.",
        ),
    ],
)

HEALTH = Group(
    "health",
    {
        "habit": [
            ("walking for thirty minutes a day", "a daily half-hour walk"),
            ("drinking more water", "increasing your water intake"),
            ("getting eight hours of sleep", "sleeping for eight hours"),
            ("eating less sugar", "cutting down on sugar"),
            ("stretching every morning", "doing stretches each morning"),
        ],
        "benefit": [
            ("lower blood pressure", "reduce blood pressure"),
            ("improve concentration", "help you focus"),
            ("protect the heart", "keep the heart healthy"),
            ("reduce stress", "ease stress"),
            ("strengthen the immune system", "boost immunity"),
        ],
        "who": [("the nurse", "the nurse on duty"), ("a doctor", "one of the doctors")],
        "thing": [
            ("temperature", "body temperature"),
            ("blood pressure", "blood pressure readings"),
            ("heart rate", "pulse"),
            ("oxygen level", "oxygen saturation"),
        ],
        "hours": ["two", "three", "four", "six"],
        "act": [
            ("drive", "drive a car"),
            ("go swimming", "swim"),
            ("drink coffee", "have coffee"),
            ("exercise", "work out"),
        ],
        "proc": [
            ("a vaccination", "getting vaccinated"),
            ("minor surgery", "a small operation"),
            ("a blood test", "having blood taken for a test"),
            ("a dental filling", "having a tooth filled"),
        ],
        "did": [
            ("walked every day", "took a walk daily"),
            ("ate fish twice a week", "had fish two times per week"),
            ("slept at least seven hours", "got seven or more hours of sleep"),
            ("cycled to work", "rode a bike to their jobs"),
        ],
        "people": ["2,000", "5,400", "12,000", "800"],
        "risk": ["20", "25", "30", "40"],
    },
    [
        (
            "Doctors recommend {habit[0]} to {benefit[0]}.",
            "To {benefit[1]}, physicians advise {habit[1]}.",
        ),
        (
            "{who[0]} checked the patient's {thing[0]} every {hours[0]} hours.",
            "Every {hours[1]} hours, the patient's {thing[1]} was checked by {who[1]}.",
        ),
        (
            "Is it safe to {act[0]} after {proc[0]}?",
            "After {proc[1]}, can I safely {act[1]}?",
        ),
        (
            "The study followed {people[0]} adults for ten years and found that those who "
            "{did[0]} were {risk[0]} percent less likely to develop heart disease than those "
            "who did not.",
            "Over a decade, researchers tracked {people[1]} adults; people who {did[1]} had a "
            "{risk[1]}% lower risk of heart disease than people who didn't.",
        ),
    ],
)

TECHNOLOGY = Group(
    "technology",
    {
        "dev": [
            ("the developers", "the engineering team"),
            ("the company", "the firm"),
            ("a volunteer", "one of the volunteers"),
        ],
        "fix": [
            ("fixes the login bug", "repairs the sign-in problem"),
            ("makes the app start faster", "speeds up how quickly the app launches"),
            ("reduces battery usage", "uses less battery power"),
            ("adds a dark mode", "introduces a dark theme"),
            ("closes a security hole", "patches a vulnerability"),
        ],
        "res": [
            ("runs out of memory", "has no memory left"),
            ("loses its network connection", "goes offline"),
            ("overheats", "gets too hot"),
            ("fills its disk", "has a full disk"),
        ],
        "cons": [
            ("the website stops responding", "the site becomes unresponsive"),
            ("all uploads fail", "every upload is rejected"),
            ("users are logged out", "people get signed out"),
            ("the backup job is skipped", "the backup does not run"),
        ],
        "prob": [
            ("get so hot", "heat up so much"),
            ("freeze", "stop responding"),
            ("make a buzzing noise", "buzz"),
            ("restart", "reboot itself"),
        ],
        "act": [
            ("open a video call", "start a video call"),
            ("play games", "play video games"),
            ("plug in the charger", "connect the charger"),
            ("close the lid", "shut the lid"),
        ],
        "sys": [
            ("billing system", "invoicing platform"),
            ("order tracking service", "service that tracks orders"),
            ("payroll software", "salary system"),
            ("booking platform", "reservation system"),
        ],
        "hrs": ["six", "nine", "eleven", "fourteen"],
    },
    [
        (
            "{dev[0]} released an update that {fix[0]}.",
            "An update that {fix[1]} was released by {dev[1]}.",
        ),
        (
            "If the server {res[0]}, {cons[0]}.",
            "{cons[1]} whenever the server {res[1]}.",
        ),
        (
            "Why does my laptop {prob[0]} when I {act[0]}?",
            "When I {act[1]}, why does my laptop {prob[1]}?",
        ),
        (
            "Our team moved the {sys[0]} to a new database over the weekend; the migration "
            "took {hrs[0]} hours, nobody lost any data, and the reports that used to take "
            "minutes now load in under a second.",
            "Over the weekend, the team migrated the {sys[1]} to a new database in {hrs[1]} "
            "hours without losing data, and reports that once needed minutes now appear in "
            "less than a second.",
        ),
    ],
)

HISTORY = Group(
    "history",
    {
        "b": [
            ("the Romans", "Roman engineers"),
            ("local farmers", "farmers from the area"),
            ("monks", "a community of monks"),
            ("the city council", "the town authorities"),
        ],
        "s": [
            ("stone bridge", "bridge of stone"),
            ("old watchtower", "ancient lookout tower"),
            ("harbour wall", "sea wall of the harbour"),
            ("chapel on the hill", "hilltop chapel"),
        ],
        "year": ["1204", "1530", "1712", "1848", "1896"],
        "pop": [
            ("villagers", "village's inhabitants"),
            ("soldiers", "troops"),
            ("refugees", "displaced families"),
            ("workers", "labourers"),
        ],
        "did": [
            ("returned home", "went back to their homes"),
            ("rebuilt the market", "reconstructed the marketplace"),
            ("held a great celebration", "celebrated together"),
            ("planted new orchards", "planted fresh fruit trees"),
        ],
        "conf": [
            ("border dispute", "dispute over the border"),
            ("long siege", "lengthy siege"),
            ("trade war", "trade conflict"),
            ("civil war", "internal war"),
        ],
        "emp": [
            "old kingdom",
            "river empire",
            "northern confederation",
            "island republic",
            "desert kingdom",
        ],
        "how": [
            ("so suddenly", "so quickly"),
            ("after three centuries", "after three hundred years"),
            ("within a generation", "in a single generation"),
        ],
    },
    [
        (
            "{b[0]} built the {s[0]} in {year[0]}.",
            "The {s[1]} was constructed by {b[1]} in {year[1]}.",
        ),
        (
            "After the war ended in {year[0]}, the {pop[0]} {did[0]}.",
            "The {pop[1]} {did[1]} once the war was over in {year[1]}.",
        ),
        (
            "Who signed the treaty that ended the {conf[0]} in {year[0]}?",
            "Which leaders put their names to the agreement ending the {conf[1]} in {year[1]}?",
        ),
        (
            "Historians disagree about why the {emp[0]} collapsed {how[0]}: some blame years "
            "of drought and failed harvests, while others argue that constant wars and rising "
            "taxes slowly turned the population against its rulers.",
            "Why the {emp[1]} fell {how[1]} is debated among historians; one side points to "
            "long droughts and poor harvests, whereas the other says endless wars and heavier "
            "taxes gradually set the people against those in power.",
        ),
    ],
)

MUSIC = Group(
    "music",
    {
        "artist": [
            "the band",
            "Nina Cole",
            "the orchestra",
            "a young pianist",
            "the choir",
            "Daniel Okafor",
        ],
        "place": [
            "a small studio in Dublin",
            "an old church",
            "a farmhouse in Wales",
            "a converted warehouse",
            "a cabin by the lake",
        ],
        "dur": [
            ("six weeks", "a month and a half"),
            ("two summers", "two summer seasons"),
            ("ten days", "a week and a half"),
            ("one winter", "a single winter"),
        ],
        "adj": [
            ("wonderful", "fantastic"),
            ("far too loud", "much too noisy"),
            ("surprisingly short", "unexpectedly brief"),
            ("sold out", "fully booked"),
        ],
        "react": [
            ("cheered for ten minutes", "applauded for ten minutes"),
            ("sang along to every song", "joined in with each song"),
            ("left early", "went home before the end"),
            ("asked for an encore", "called for one more song"),
        ],
        "inst": [
            ("the guitar", "guitar"),
            ("the violin", "violin"),
            ("the drums", "drums"),
            ("the piano", "piano"),
            ("the cello", "cello"),
        ],
        "time": ["a month", "three weeks", "one summer", "a year"],
        "venue": [
            ("the old theatre", "the historic theatre"),
            ("the hall", "the concert hall"),
            ("the small club", "the little club"),
        ],
    },
    [
        (
            "{artist[0]} recorded the album in {place[0]} over {dur[0]}.",
            "The album was recorded in {place[1]} by {artist[1]} across {dur[1]}.",
        ),
        (
            "The concert was {adj[0]}, and the crowd {react[0]}.",
            "The crowd {react[1]}; the concert, after all, was {adj[1]}.",
        ),
        (
            "Can you teach me how to play {inst[0]} in {time[0]}?",
            "Is it possible to learn {inst[1]} from you in {time[1]}?",
        ),
        (
            "When {artist[0]} walked on stage, {venue[0]} went completely silent, and for the "
            "next two hours nobody moved, as if everyone understood that they were hearing "
            "something they would remember for the rest of their lives.",
            "{venue[1]} fell totally quiet as {artist[1]} came on stage; for two hours no one "
            "stirred, as though the whole audience knew they were witnessing something "
            "unforgettable.",
        ),
    ],
)

GARDENING = Group(
    "gardening",
    {
        "g": [
            ("my neighbour", "the person next door"),
            ("the gardener", "the groundskeeper"),
            ("the children", "the kids"),
            ("my father", "my dad"),
        ],
        "pl": [
            ("tulips", "tulip bulbs"),
            ("tomatoes", "tomato plants"),
            ("roses", "rose bushes"),
            ("sunflowers", "sunflower seeds"),
        ],
        "spot": [
            ("fence", "garden fence"),
            ("path", "footpath"),
            ("south wall", "wall facing south"),
        ],
        "season": ["spring", "early autumn", "late March", "May"],
        "young": [
            ("seedlings", "young plants"),
            ("lettuce", "lettuce plants"),
            ("herbs", "herb plants"),
            ("beans", "bean plants"),
            ("strawberries", "strawberry plants"),
        ],
        "freq": [
            ("every other day", "on alternate days"),
            ("twice a week", "two times a week"),
            ("daily", "each day"),
        ],
        "tree": ["apple tree", "pear tree", "cherry tree", "plum tree"],
        "colour": ["yellow", "brown", "red", "pale"],
        "month": ["June", "July", "August", "early spring"],
        "waste": [
            ("kitchen scraps and dry leaves", "food waste and fallen leaves"),
            ("grass clippings and coffee grounds", "cut grass and used coffee"),
            ("eggshells and vegetable peelings", "egg shells and peel from vegetables"),
            ("straw and cardboard", "straw along with cardboard"),
        ],
        "heap": [
            ("behind the shed", "at the back of the shed"),
            ("next to the garage", "beside the garage"),
            ("under the old oak", "beneath the old oak tree"),
        ],
    },
    [
        (
            "{g[0]} planted {pl[0]} along the {spot[0]} in {season[0]}.",
            "In {season[1]}, {pl[1]} were planted along the {spot[1]} by {g[1]}.",
        ),
        (
            "Water the {young[0]} {freq[0]}, early in the morning, so that the leaves dry "
            "before noon.",
            "So that the leaves are dry by midday, give the {young[1]} water {freq[1]} in "
            "the early morning.",
        ),
        (
            "Why are the leaves on my {tree[0]} turning {colour[0]} in {month[0]}?",
            "In {month[1]}, what makes the leaves of my {tree[1]} go {colour[1]}?",
        ),
        (
            "Instead of buying fertiliser, we started a compost heap {heap[0]}, and after a "
            "year of adding {waste[0]} to it, the soil in our vegetable beds has become dark, "
            "rich and full of worms.",
            "A year ago we began composting {heap[1]} rather than buying fertiliser; by "
            "adding {waste[1]} we have turned the soil of our vegetable beds dark, fertile "
            "and full of earthworms.",
        ),
    ],
)

EDUCATION = Group(
    "education",
    {
        "teacher": [
            ("the teacher", "the instructor"),
            "Professor Lee",
            ("our tutor", "the tutor"),
            ("two assistants", "a pair of assistants"),
        ],
        "work": [
            ("essays", "written assignments"),
            ("exams", "test papers"),
            ("lab reports", "laboratory reports"),
            ("projects", "student projects"),
        ],
        "when": [
            ("over the weekend", "during the weekend"),
            ("in one evening", "in a single evening"),
            ("before Friday", "ahead of Friday"),
        ],
        "name": ["Amira", "Julia", "Mei", "Hana", "Grace"],
        "prep": [
            ("reviewed her notes", "went over her notes"),
            ("practised past papers", "worked through old exams"),
            ("studied with friends", "revised in a group"),
            ("read a chapter", "read one chapter"),
        ],
        "res": [
            ("passed the exam easily", "had no trouble passing the exam"),
            ("improved her grades", "raised her marks"),
            ("felt confident on test day", "was self-assured on the day of the test"),
        ],
        "ord": [("first", "first"), ("final", "last"), ("next", "upcoming")],
        "course": [
            ("history", "history class"),
            ("chemistry", "chemistry course"),
            ("economics", "economics module"),
            ("art", "art class"),
            ("biology", "biology course"),
            ("literature", "literature seminar"),
        ],
        "school": [
            ("the primary school in Hillford", "Hillford's primary school"),
            ("the village school", "the school in the village"),
            ("our local school", "the school near us"),
            ("the academy on Park Road", "the Park Road academy"),
        ],
        "now": ["68", "72", "81", "77"],
        "then": ["45", "51", "39", "58"],
    },
    [
        (
            "{teacher[0]} graded the {work[0]} {when[0]}.",
            "The {work[1]} were graded by {teacher[1]} {when[1]}.",
        ),
        (
            "Because she {prep[0]} every evening, {name[0]} {res[0]}.",
            "{name[1]} {res[1]}, since she {prep[1]} each night.",
        ),
        (
            "When is the deadline for the {ord[0]} {course[0]} assignment?",
            "By what date must the {ord[1]} {course[1]} assignment be submitted?",
        ),
        (
            "{school[0]} introduced a reading programme last year, and the results have been "
            "encouraging: {now[0]} percent of pupils now read at or above their expected "
            "level, compared with just {then[0]} percent when the programme began.",
            "Since {school[1]} launched its reading scheme a year ago, the share of pupils "
            "reading at or above the expected level has gone from only {then[1]}% to "
            "{now[1]}%, an encouraging result.",
        ),
    ],
)

GROUPS = (
    WEATHER,
    COOKING,
    TRAVEL,
    SCIENCE,
    SPORTS,
    FINANCE,
    HEALTH,
    TECHNOLOGY,
    HISTORY,
    MUSIC,
    GARDENING,
    EDUCATION,
)


def _as_pair(value: str | Pair) -> Pair:
    return (value, value) if isinstance(value, str) else value


def _draw(group: Group, template: Pair, rng: random.Random) -> Pair:
    """Fill one template pair; ``name2`` slots take a value different from ``name``."""
    wanted = sorted({m.groups() for t in template for m in _SLOT.finditer(t)})
    counts: dict[str, int] = {}
    for name, _ in wanted:
        counts[name] = counts.get(name, 0) + 1
    drawn = {name: rng.sample(group.slots[name], k) for name, k in counts.items()}
    values = {f"{name}{suffix}": _as_pair(drawn[name].pop()) for name, suffix in wanted}
    sentence, paraphrase = (t.format(**values) for t in template)
    return _capitalise(sentence), _capitalise(paraphrase)


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:]


def _group_rows(group: Group, count: int, rng: random.Random, seen: set[str]) -> list[Pair]:
    """``count`` distinct (sentence, paraphrase) pairs, templates taken in turn."""
    rows: list[Pair] = []
    turn = 0
    while len(rows) < count:
        template = group.templates[turn % len(group.templates)]
        turn += 1
        for _ in range(100):
            sentence, paraphrase = _draw(group, template, rng)
            if sentence not in seen and paraphrase not in seen:
                seen.update((sentence, paraphrase))
                rows.append((sentence, paraphrase))
                break
        if turn > 100 * count:
            raise RuntimeError(f"group {group.name} has too few distinct sentences")
    return rows


def generate(rows: int = ROWS, seed: int = SEED) -> list[tuple[str, str, str]]:
    """(group, sentence, paraphrase) rows: groups filled evenly, then shuffled."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for i, group in enumerate(GROUPS):
        count = rows // len(GROUPS) + (1 if i < rows % len(GROUPS) else 0)
        out += [(group.name, s, p) for s, p in _group_rows(group, count, rng, seen)]
    rng.shuffle(out)
    return out


def render(rows: int = ROWS, seed: int = SEED) -> str:
    """The TSV text: header, then ``id, group, sentence, paraphrase`` per row."""
    lines = ["\t".join(HEADER)]
    for i, (group, sentence, paraphrase) in enumerate(generate(rows, seed)):
        fields = (str(i), group, sentence, paraphrase)
        if any(c in f for f in fields for c in "\t\n\r"):
            raise ValueError(f"row {i} contains a tab or a line break")
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the TSV file (default: next to this script)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TSV path")
    args = parser.parse_args(argv)
    args.out.write_bytes(render().encode("utf-8"))
    print(f"wrote {ROWS} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
