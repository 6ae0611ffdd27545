//! Generated prose for demo artifacts: varied enough to read, deterministic for a seed.

pub const FIRST: &[&str] = &[
    "Amara", "Bilal", "Chen", "Dagny", "Emeka", "Farah", "Goran", "Hana", "Ifeoma", "Jonas",
    "Keiko", "Lars", "Mei", "Nikhil", "Olga", "Pedro", "Quinn", "Rania", "Sven", "Tomasz", "Uma",
    "Viktor", "Wanjiru", "Xavier", "Yara", "Zeynep", "Aisling", "Bruno", "Carmen", "Dmitri",
    "Esra", "Felix", "Giulia", "Hamid", "Ines", "Joao", "Kofi", "Leila", "Mateo", "Nadia",
];

pub const LAST: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Nakamura",
    "Haddad",
    "Kowalski",
    "Mensah",
    "Ferreira",
    "Novak",
    "Osei",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zhang",
    "Abara",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Lopez",
    "Moreau",
];

const SUBJECTS: &[(&str, &str)] = &[
    ("fractions", "Year 7 mathematics"),
    ("photosynthesis", "Year 8 science"),
    ("persuasive writing", "Year 9 English"),
    ("the water cycle", "Year 6 geography"),
    ("linear equations", "Year 9 mathematics"),
    ("causes of the First World War", "Year 10 history"),
];

pub fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(0..items.len())]
}

pub fn lesson_subject(rng: &mut fastrand::Rng) -> (&'static str, &'static str) {
    SUBJECTS[rng.usize(0..SUBJECTS.len())]
}

pub fn lesson_plan(rng: &mut fastrand::Rng, name: &str, topic: &str, class: &str) -> String {
    let minutes = [50, 55, 60][rng.usize(0..3)];
    format!(
        "# Lesson plan: {topic}\n\n*{class}, {minutes} minutes — {name}*\n\n\
         ## Learning goals\n\nBy the end of the lesson learners will be able to:\n\n\
         1. explain {topic} in their own words;\n\
         2. solve two unseen problems about {topic} without help;\n\
         3. identify the most common mistake and say why it is wrong.\n\n\
         ## Sequence\n\n\
         | time | activity | check for understanding |\n|---|---|---|\n\
         | 0–8 | retrieval quiz on last lesson | mini-whiteboards, all learners |\n\
         | 8–20 | worked example, then a faded example | hinge question (4 options) |\n\
         | 20–40 | paired practice, increasing difficulty | circulate, sample 6 books |\n\
         | 40–{minutes} | exit ticket: one question per goal | collect and sort |\n\n\
         ## Adaptations\n\nSentence starters for EAL learners; extension problems on the back of the sheet.\n"
    )
}

pub fn transcript(rng: &mut fastrand::Rng, topic: &str) -> String {
    let mut out =
        format!("Lesson transcript — {topic}\nRecorded with consent; learners anonymised.\n\n");
    let lines = [
        "T: Boards up in three, two, one. Good — I can see most of you wrote the same thing.",
        "L3: Miss, is it the bottom number that gets bigger?",
        "T: Let's test that. Who thinks yes? Who thinks no? Show me with your fingers.",
        "L7: I put B because the diagram shows it going up into the cloud.",
        "T: Interesting. Turn to your partner and explain why B might be wrong.",
        "L1: Because it doesn't say where the energy comes from.",
        "T: Hold on, half of you chose C. I'm going to go back over the example.",
        "L5: Can we do another one like the first?",
        "T: Exit tickets on the desk as you leave, one answer per goal.",
    ];
    let n = rng.usize(6..=lines.len());
    for (i, line) in lines.iter().take(n).enumerate() {
        out.push_str(&format!("[{:02}:{:02}] {line}\n", 2 + i * 5, rng.u8(0..60)));
    }
    out
}

pub fn reflection(rng: &mut fastrand::Rng, topic: &str, strong: bool) -> String {
    let evidence = if strong {
        format!(
            "Of 27 exit tickets, 19 answered the first goal correctly, but only 11 the second. The \
             hinge question showed that {} learners confused the two steps, which matches what I \
             heard from pair 4 during practice.",
            rng.u8(6..12)
        )
    } else {
        "I think the lesson went well and the learners seemed engaged. Most of them looked like \
         they understood by the end."
            .to_string()
    };
    let change = if strong {
        "Next lesson I will re-teach the second step with a non-example first, then use the same \
         hinge question; if fewer than 5 learners choose the wrong option I will move on."
    } else {
        "Next time I will try to be more organised."
    };
    format!(
        "# Reflection on teaching {topic}\n\n## What happened\n\nThe lesson followed the plan \
         until the paired practice, which ran {} minutes over.\n\n## What the evidence shows\n\n\
         {evidence}\n\n## What I will change\n\n{change}\n",
        rng.u8(3..9)
    )
}

pub fn change_log(rng: &mut fastrand::Rng, thorough: bool) -> String {
    let dups = rng.u16(12..90);
    let mut out = String::from(
        "# Change log: air-quality export 2025\n\n| step | problem | decision | rows affected |\n|---|---|---|---|\n",
    );
    out.push_str(&format!(
        "| 1 | duplicate station-days from a double upload | kept the first reading | {dups} |\n"
    ));
    out.push_str(
        "| 2 | station names with trailing spaces and mixed case | trimmed, title case | 311 |\n",
    );
    if thorough {
        out.push_str(&format!(
            "| 3 | `-999` used for missing PM2.5 | treated as missing, imputed with the station median | {} |\n\
             | 4 | readings above 4 standard deviations | flagged `outlier`, not removed | {} |\n\n\
             ## Left alone\n\nTemperature readings below zero are plausible in January and were kept.\n",
            rng.u16(40..200),
            rng.u8(3..20)
        ));
    } else {
        out.push_str("| 3 | missing values | removed | ? |\n");
    }
    out
}

pub fn review_report(rng: &mut fastrand::Rng, thorough: bool) -> String {
    let mut out = String::from(
        "# Security review: ticketing app v1.4\n\n## Summary\n\nThe application is exposed to SQL injection and \
         reflected cross-site scripting in its search route.\n\n## Findings\n\n",
    );
    out.push_str(
        "### 1. SQL injection in `/search` (critical)\n\n`app/routes/orders.py:14` builds SQL from the `q` \
         parameter. Request: `GET /search?q=%27%20OR%201=1--` returns every order.\n\n",
    );
    out.push_str(
        "### 2. Reflected XSS in `/search` (high)\n\nThe search term is concatenated into HTML. \
         `q=<script>alert(1)</script>` executes.\n\n",
    );
    if thorough {
        out.push_str(&format!(
            "### 3. Missing authorization on `/admin/delete` (high)\n\nAny logged-in user can delete records; \
             tested with a non-admin account (CVSS 8.{}).\n\n## Remediation plan\n\n1. Parameterized queries \
             everywhere.\n2. Templates with auto-escaping.\n3. An `@admin_required` decorator and a test per route.\n",
            rng.u8(0..9)
        ));
    }
    out
}
