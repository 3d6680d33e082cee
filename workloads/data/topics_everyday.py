"""Everyday topics of the ``minilm-embed`` sentence generator: word lists and templates."""

from __future__ import annotations

from sentence_group import Group

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
