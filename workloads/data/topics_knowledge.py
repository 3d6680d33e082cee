"""Knowledge topics of the ``minilm-embed`` sentence generator: word lists and templates."""

from __future__ import annotations

from sentence_group import Group

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
