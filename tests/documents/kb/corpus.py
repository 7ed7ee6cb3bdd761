"""A generated corpus for retrieval quality: facts on known pages of PDFs and text files, with a
paraphrased English question (few words shared with the fact) and a Chinese question for each.

Each fact sits on its own page beside a paragraph of unrelated filler, so that a page is one
passage and "found" means "the passage on the fact's page is among the first five".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.documents import make_pdf


@dataclass(frozen=True)
class Fact:
    text: str
    question: str  # paraphrased: the words differ from the fact's
    question_zh: str


FACTS = [
    Fact("Turnover at Halvorsen Shipping climbed by twelve percent during 2023, mainly thanks to exports.",
         "How much did the sales of the freight firm grow last year?", "这家航运公司去年的收入增长了多少？"),
    Fact("The Brackenridge observatory houses a refracting telescope with a lens of 91 centimetres.",
         "How large is the glass of the stargazing instrument?", "天文台望远镜的镜片有多大？"),
    Fact("Employees may carry over at most five unused vacation days into the following calendar year.",
         "Can staff keep holidays they did not take for next year?", "员工没休完的假期可以留到明年吗？"),
    Fact("The bridge over the Ostra river was closed after inspectors found corrosion in its steel cables.",
         "Why was the crossing shut down?", "那座桥为什么被关闭了？"),
    Fact("Our cafeteria serves a vegetarian lunch menu every Wednesday and Friday.",
         "On which days can I eat meat-free food at the canteen?", "食堂哪几天提供素食午餐？"),
    Fact("The firmware update fixes a battery drain that occurred when the device was in standby.",
         "What problem with power consumption does the new software solve?", "新固件解决了什么耗电问题？"),
    Fact("Patients should fast for eight hours before the blood sugar test.",
         "How long must I avoid eating before the glucose examination?", "做血糖检查之前需要空腹多久？"),
    Fact("The museum's oldest exhibit is a ceramic bowl dated to about 6000 BC.",
         "What is the most ancient object in the gallery's collection?", "博物馆里最古老的展品是什么？"),
    Fact("Rainfall in the Corvale valley doubled compared with the previous decade, flooding several farms.",
         "Did it get wetter in that region?", "那个山谷的降水量有什么变化？"),
    Fact("The contract may be terminated by either party with ninety days of written notice.",
         "How can one end the agreement?", "怎样才能解除这份合同？"),
    Fact("The orchestra's principal conductor, Maren Tolvik, will retire after the summer festival.",
         "Who is stepping down from leading the symphony?", "哪位指挥家将要退休？"),
    Fact("Beekeepers reported that honey production fell sharply after an unusually cold spring.",
         "Why did the apiaries yield less sweet harvest?", "为什么蜂蜜产量下降了？"),
    Fact("The new metro line connects the airport with the central station in nineteen minutes.",
         "How quickly can I get from the terminal to downtown by subway?", "从机场坐地铁到市中心要多久？"),
    Fact("Children under twelve enter the zoo free of charge when accompanied by an adult.",
         "Do kids have to pay for admission to the animal park?", "小孩去动物园要买票吗？"),
    Fact("The server room is cooled by a closed water loop that reuses heat for the office building.",
         "How is the data centre kept at a low temperature?", "机房是怎么降温的？"),
    Fact("Volunteers planted four thousand oak saplings along the eastern edge of the forest.",
         "How many young trees did helpers put in the ground?", "志愿者种了多少棵树？"),
    Fact("The recipe calls for three eggs, two cups of flour and a pinch of salt.",
         "What ingredients are needed for this dish?", "这道菜需要哪些材料？"),
    Fact("Wind turbines on the island now supply seventy percent of its electricity.",
         "What share of power on the isle comes from wind?", "岛上的电力有多少来自风能？"),
    Fact("The library extends its opening hours until midnight during the examination period.",
         "Does the reading room stay open later when students have tests?", "考试期间图书馆开到几点？"),
    Fact("A software defect caused the payroll system to pay some salaries twice in March.",
         "Why did certain workers receive their wages double?", "为什么有些员工拿到了两次工资？"),
    Fact("The fossil of a small feathered dinosaur was discovered in a quarry near Lindholm.",
         "Where did paleontologists unearth the remains of the plumed reptile?", "那块带羽毛的恐龙化石是在哪里发现的？"),
    Fact("Passengers may take one piece of hand luggage weighing up to eight kilograms on board.",
         "How heavy can my carry-on bag be on the plane?", "登机时随身行李最重可以多少公斤？"),
    Fact("The vaccine must be stored between two and eight degrees Celsius.",
         "At what temperature should the immunisation doses be kept?", "疫苗应该在什么温度下保存？"),
    Fact("Our support team answers e-mails within one working day.",
         "How fast will the help desk reply to my message?", "客服多久会回复邮件？"),
]

FILLER = [
    "The committee met on Tuesday to review the agenda for the coming quarter and approved the minutes of "
    "the previous session without changes. Several members asked for the documents to be circulated earlier.",
    "This section describes the general layout of the report. Tables are numbered in order of appearance, "
    "and all figures are rounded to the nearest whole number unless stated otherwise in a footnote.",
    "Participants were divided into groups of four and asked to discuss the questions listed in the appendix. "
    "Each group then presented a short summary of its conclusions to the plenary.",
    "The historical background of the region is complex, shaped by trade routes, migrations and shifting "
    "borders over many centuries, as the following chapters explain in more detail.",
    "Acknowledgements go to everyone who reviewed earlier drafts of this text and offered comments on its "
    "structure, its wording and the clarity of its arguments.",
    "The appendix lists the abbreviations used throughout, together with a glossary of technical terms and "
    "the addresses of the organisations mentioned.",
]

FILES_OF = 4  # facts per file
DISTRACTOR_FILES = 6
DISTRACTOR_PAGES = 6

_TOPICS = ["harbour", "railway", "school", "hospital", "market", "archive", "garden", "factory", "theatre",
           "stadium", "laboratory", "village", "river", "mountain", "council", "university"]
_THINGS = ["budget", "renovation", "timetable", "survey", "inventory", "election", "festival", "audit",
           "census", "exhibition", "regulation", "partnership"]


def page_text(index: int) -> str:
    fact = FACTS[index]
    filler = " ".join(FILLER[(index + j) % len(FILLER)] for j in range(3))
    return f"{fact.text}\n\n{filler}"


def distractor_page(n: int) -> str:
    """A page about something else, each different: the passages a good search must pass over."""
    topic, thing = _TOPICS[n % len(_TOPICS)], _THINGS[(n * 7) % len(_THINGS)]
    head = (f"The {thing} of the {topic} in district {n} was discussed at length; the {topic} board "
            f"published its findings on the {thing} in volume {n % 9 + 1} of its bulletin.")
    filler = " ".join(FILLER[(n + j) % len(FILLER)] for j in range(3))
    return f"{head}\n\n{filler}"


def write_corpus(folder: Path) -> dict[int, tuple[str, int]]:
    """PDFs and text files in *folder*; returns fact index → (file name, page)."""
    folder.mkdir(parents=True, exist_ok=True)
    where: dict[int, tuple[str, int]] = {}
    for start in range(0, len(FACTS), FILES_OF):
        number = start // FILES_OF
        indices = list(range(start, min(start + FILES_OF, len(FACTS))))
        if number % 3 == 2:  # every third file is Markdown: one "page"
            name = f"notes-{number}.md"
            (folder / name).write_text("\n\n".join(page_text(i) for i in indices), encoding="utf-8")
            where.update({i: (name, 1) for i in indices})
        else:
            name = f"report-{number}.pdf"
            (folder / name).write_bytes(make_pdf([page_text(i) for i in indices]))
            where.update({i: (name, page) for page, i in enumerate(indices, 1)})
    for number in range(DISTRACTOR_FILES):
        pages = [distractor_page(number * DISTRACTOR_PAGES + p) for p in range(DISTRACTOR_PAGES)]
        (folder / f"minutes-{number}.pdf").write_bytes(make_pdf(pages))
    return where


def recall_at(sources_for: object, where: dict[int, tuple[str, int]], zh: bool = False, k: int = 5) -> int:
    """How many facts' passages are among the first *k* passages found for their question."""
    found = 0
    for index, fact in enumerate(FACTS):
        sources = sources_for(fact.question_zh if zh else fact.question, k)  # type: ignore[operator]
        name, page = where[index]
        if any(s.file_name == name and (name.endswith(".md") and fact.text[:40] in s.text
                                        or s.first_page <= page <= s.last_page) for s in sources):
            found += 1
    return found
