"""Culture topics of the ``minilm-embed`` sentence generator: word lists and templates."""

from __future__ import annotations

from sentence_group import Group

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
