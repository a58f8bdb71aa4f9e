"""Writes the wire copy and pictures of the sample editions (run once; output committed).

The hand-written stories live beside the generated ones in each edition's articles/.
Generated stories are built from story patterns of a news desk's routine copy (council
meetings, markets, match reports, letters), filled from small word banks with a fixed
seed: original text, deterministic, and enough of it to fill a dozen broadsheet pages.

    python samples/editions/make_samples.py
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent

TOWNS = ["Mokpo", "Gangneung", "Suncheon", "Andong", "Jeonju", "Tongyeong", "Sokcho",
         "Gimhae", "Chuncheon", "Yeosu", "Pohang", "Iksan"]
PEOPLE = ["Park Min-ji", "Lee Jun-ho", "Choi Seo-yeon", "Kang Tae-woo", "Yoon Ha-eun",
          "Han Do-yun", "Jung Ye-rin", "Oh Sung-min", "Shin Ji-woo", "Lim Hyun-soo"]
ROLES = ["the council's budget chair", "a local teacher", "the port director",
         "a union spokesperson", "the deputy mayor", "a hospital administrator",
         "an economist at a regional bank", "the head of the farmers' cooperative"]
TOPICS = {
    "national": ["a new bus network", "the river flood barrier", "school meal funding",
                 "a plan to rebuild the old market", "winter heating support",
                 "a shortage of rural doctors", "the coastal cycling path",
                 "rent rules for student housing"],
    "business": ["chip exports", "the price of cabbage", "shipyard orders",
                 "small-business loans", "a merger of two regional banks",
                 "battery plant hiring", "online retail sales", "fishing quotas"],
    "world": ["a regional trade pact", "talks on river water rights",
              "an election in a neighboring country", "a summit on ocean plastics",
              "grain shipments through the strait", "a climate fund for islands"],
    "sports": ["the regional football final", "a record in the marathon",
               "the baseball playoffs", "a new swimming pool for the city",
               "the volleyball league", "a cycling race along the coast"],
}
VERBS = ["approved", "delayed", "debated", "questioned", "expanded", "welcomed"]
REASONS = ["rising costs", "complaints from residents", "a shortfall in tax revenue",
           "pressure from neighboring towns", "a court ruling last month",
           "record demand this autumn"]


def _sentence(rng: random.Random, topic: str, town: str) -> str:
    person, role = rng.choice(PEOPLE), rng.choice(ROLES)
    n = rng.randint(2, 40)
    patterns = [
        f"Officials in {town} {rng.choice(VERBS)} {topic} on Thursday, citing "
        f"{rng.choice(REASONS)}.",
        f"\u201cWe have waited {n} years for this,\u201d said {person}, {role}.",
        f"The plan would cost about {n * 3} billion won over {rng.randint(2, 9)} years.",
        f"Critics said the timetable left too little room for {rng.choice(REASONS)}.",
        f"{person}, {role}, said the decision would be reviewed in the spring.",
        f"Nearly {n * 100:,} people attended the hearing, the largest turnout this year.",
        f"Supporters argued that {topic} would pay for itself within a decade.",
        f"A final vote is expected before the end of {rng.choice(['January', 'March', 'May'])}.",
        f"Figures released this week showed a rise of {n / 10:.1f} percent on last year.",
        f"Residents of {rng.choice(TOWNS)} have asked for the same arrangement.",
    ]
    return rng.choice(patterns)


def _paragraph(rng: random.Random, topic: str, town: str) -> str:
    return " ".join(_sentence(rng, topic, town) for _ in range(rng.randint(2, 4)))


def english_story(rng: random.Random, n: int, section: str, priority: int, paragraphs: int,
                  image: str | None) -> str:
    town = rng.choice(TOWNS)
    topic = rng.choice(TOPICS.get(section, TOPICS["national"]))
    verb = rng.choice(VERBS)
    headline = f"{town} {verb} {topic}"
    if section == "opinion":
        headline = f"Why {topic} deserves a second look"
    body = []
    for k in range(paragraphs):
        if k and k % 5 == 0:
            body.append(f"## {rng.choice(['What comes next', 'The cost', 'Who decides', 'Reaction', 'Background'])}")
        body.append(_paragraph(rng, topic, town))
    front = [
        "---",
        f"headline: {headline[0].upper() + headline[1:]}",
        f"section: {section}",
        f"priority: {priority}",
        f"byline: {rng.choice(PEOPLE)}",
        f"published: 2026-11-29T{rng.randint(8, 20):02d}:00:00+09:00",
    ]
    if section not in ("opinion", "sports"):
        front.append(f"dateline: {town.upper()}")
    if section == "opinion":
        front.append(f'tagline: "{rng.choice(PEOPLE)} writes about {topic} for this page."')
    if priority <= 2 or paragraphs >= 9:
        front.append(f'pullquotes: ["{_sentence(rng, topic, town)}"]')
    if image:
        front += ["images:", f'  - {{src: ../images/{image}, caption: "{_sentence(rng, topic, town)}",'
                             ' credit: "epaper sample photo"}']
    front.append("---")
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


KO_TOWNS = ["목포", "강릉", "순천", "안동", "전주", "통영", "속초", "김해", "춘천", "여수"]
KO_TOPICS = {
    "사회": ["시내버스 노선 개편", "하천 범람 방지 시설", "학교 급식 예산", "전통시장 재건축 계획",
            "겨울철 난방비 지원", "농촌 의료 인력 부족"],
    "경제": ["반도체 수출", "배추 가격", "조선소 수주", "소상공인 대출", "지역 은행 합병",
            "배터리 공장 채용"],
    "오피니언": ["지역 신문의 역할", "청년 주거 정책", "동네 도서관의 미래"],
}


def _ko_sentence(rng: random.Random, topic: str, town: str) -> str:
    n = rng.randint(2, 40)
    patterns = [
        f"{town}시는 지난 목요일 {topic} 방안을 발표했다.",
        f"시 관계자는 \u201c주민 의견을 충분히 듣겠다\u201d고 말했다.",
        f"사업비는 약 {n * 3}억 원으로 추산된다.",
        f"일부 주민들은 일정이 지나치게 빠르다며 우려를 나타냈다.",
        f"공청회에는 {n * 10}여 명이 참석해 다양한 의견을 냈다.",
        f"전문가들은 장기적인 관점에서 효과를 따져봐야 한다고 지적했다.",
        f"최종 결정은 내년 봄 시의회 표결을 거쳐 확정될 예정이다.",
        f"지난해와 비교하면 {n / 10:.1f}퍼센트 늘어난 수치다.",
        f"인근 {rng.choice(KO_TOWNS)}에서도 비슷한 요구가 이어지고 있다.",
    ]
    return rng.choice(patterns)


def korean_story(rng: random.Random, n: int, section: str, priority: int, paragraphs: int,
                 image: str | None) -> str:
    town = rng.choice(KO_TOWNS)
    topic = rng.choice(KO_TOPICS[section])
    headline = f"{town}, {topic} 놓고 본격 논의" if section != "오피니언" else f"{topic}을 다시 생각한다"
    body = []
    for k in range(paragraphs):
        if k and k % 5 == 0:
            body.append(f"## {rng.choice(['남은 과제', '쟁점', '향후 일정', '주민 반응'])}")
        body.append(" ".join(_ko_sentence(rng, topic, town) for _ in range(rng.randint(2, 4))))
    names = ["김지훈", "이서연", "박민준", "최유진", "정하늘", "강도현"]
    front = ["---", f"headline: {headline}", f"section: {section}", f"priority: {priority}",
             f"byline: {rng.choice(names)}", "lang: ko",
             f"published: 2026-11-29T{rng.randint(8, 20):02d}:00:00+09:00"]
    if section != "오피니언":
        front.append(f"dateline: {town}")
    if priority <= 2:
        front.append(f'pullquotes: ["{_ko_sentence(rng, topic, town)}"]')
    if image:
        front += ["images:", f'  - {{src: ../images/{image}, caption: "{_ko_sentence(rng, topic, town)}",'
                             ' credit: "epaper 예시 사진"}']
    front.append("---")
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


# Sample photos are drawn at press resolution: a photo set 4 broadsheet columns wide
# (about 24 cm) must reach 200 ppi for `epaper preflight` (README, "Press").
SCALE = 3


def picture(path: Path, seed: int) -> None:
    """A generated scene: sky, hills, a few buildings (sample photos), 2700 × 1800 px."""
    rng = random.Random(seed)
    w, h = 900, 600
    s = SCALE
    img = Image.new("RGB", (w * s, h * s))
    d = ImageDraw.Draw(img)
    top = (rng.randint(90, 200), rng.randint(120, 200), rng.randint(170, 240))
    for y in range(h * s):
        t = y / (h * s)
        d.line([(0, y), (w * s, y)], fill=tuple(int(c * (1 - 0.4 * t)) for c in top))
    for k in range(3):
        base = int(h * (0.55 + 0.12 * k))
        shade = (40 + 30 * k, 70 + 25 * k, 50 + 10 * k)
        points = [(0, h)] + [(x, base - rng.randint(0, 60)) for x in range(0, w + 100, 100)] + [(w, h)]
        d.polygon([(x * s, y * s) for x, y in points], fill=shade)
    for _ in range(7):
        x, bw, bh = rng.randint(0, w - 80), rng.randint(40, 90), rng.randint(60, 200)
        d.rectangle([x * s, (int(h * 0.75) - bh) * s, (x + bw) * s, int(h * 0.75) * s],
                    fill=(rng.randint(150, 230),) * 3)
    img.filter(ImageFilter.GaussianBlur(s)).save(path, quality=80, optimize=True)


def house_ad(path: Path, text_color: tuple[int, int, int]) -> None:
    s = SCALE
    img = Image.new("RGB", (800 * s, 600 * s), (240, 232, 214))
    d = ImageDraw.Draw(img)
    d.rectangle([20 * s, 20 * s, 780 * s, 580 * s], outline=text_color, width=8 * s)
    for k in range(6):
        d.rectangle([80 * s, (120 + k * 70) * s, (720 - k * 60) * s, (150 + k * 70) * s],
                    fill=text_color)
    img.save(path, quality=85, optimize=True)


def main() -> None:
    rng = random.Random(20261130)
    en = HERE / "en"
    (en / "images").mkdir(parents=True, exist_ok=True)
    (en / "articles").mkdir(parents=True, exist_ok=True)
    for k in range(4):
        picture(en / "images" / f"scene-{k + 1}.jpg", k)
    house_ad(en / "images" / "house-ad.jpg", (160, 22, 29))
    plan = [("national", 14), ("business", 10), ("world", 8), ("sports", 6), ("opinion", 5)]
    n = 0
    for section, count in plan:
        for k in range(count):
            priority = 1 if k == 0 else (5 if k >= count - 2 else rng.choice([2, 3, 3, 4]))
            paragraphs = {1: rng.randint(18, 28), 5: rng.randint(1, 3)}.get(
                priority, rng.randint(7, 16))
            image = f"scene-{n % 4 + 1}.jpg" if priority <= 2 and section != "opinion" else None
            text = english_story(rng, n, section, priority, paragraphs, image)
            (en / "articles" / f"wire-{section}-{k + 1:02d}.md").write_text(text, encoding="utf-8")
            n += 1
    ko = HERE / "ko"
    (ko / "images").mkdir(parents=True, exist_ok=True)
    (ko / "articles").mkdir(parents=True, exist_ok=True)
    for k in range(2):
        picture(ko / "images" / f"scene-{k + 1}.jpg", 10 + k)
    house_ad(ko / "images" / "ad.jpg", (20, 60, 140))
    for section, count in [("사회", 11), ("경제", 10), ("오피니언", 5)]:
        for k in range(count):
            priority = 1 if k == 0 else (5 if k == count - 1 else rng.choice([2, 3, 3]))
            paragraphs = {1: rng.randint(16, 24), 5: rng.randint(2, 3)}.get(
                priority, rng.randint(7, 14))
            image = f"scene-{k % 2 + 1}.jpg" if priority <= 2 and section != "오피니언" else None
            text = korean_story(rng, k, section, priority, paragraphs, image)
            slug = {"사회": "society", "경제": "economy", "오피니언": "opinion"}[section]
            (ko / "articles" / f"wire-{slug}-{k + 1:02d}.md").write_text(text, encoding="utf-8")
    extra_copy(en, ko, plan)


def extra_copy(en: Path, ko: Path, plan: list[tuple[str, int]]) -> None:
    """More wire copy than the pages hold, as a real desk has: short priority-5 stories
    the desk may trim, hold, or use to fill the last column inches (own seed, so the stories
    above stay as they are)."""
    rng = random.Random(20261201)
    for name, color in [("ferries", (10, 80, 120)), ("bank", (30, 90, 40)),
                        ("books", (120, 60, 10))]:  # the booked ads' artwork
        house_ad(en / "images" / f"ad-{name}.jpg", color)
    for name, color in [("bank", (30, 90, 40)), ("concert", (110, 30, 90))]:
        house_ad(ko / "images" / f"ad-{name}.jpg", color)
    n = 100
    for section, count in plan:
        for k in range(count, count + 6):
            text = english_story(rng, n, section, 5, rng.randint(1, 6), None)
            (en / "articles" / f"wire-{section}-{k + 1:02d}.md").write_text(text, encoding="utf-8")
            n += 1
    for section, count in [("사회", 11), ("경제", 10), ("오피니언", 5)]:
        slug = {"사회": "society", "경제": "economy", "오피니언": "opinion"}[section]
        for k in range(count, count + 10):
            text = korean_story(rng, k, section, 5, rng.randint(2, 8), None)
            (ko / "articles" / f"wire-{slug}-{k + 1:02d}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
