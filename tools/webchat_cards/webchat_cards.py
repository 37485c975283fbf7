"""Screenshots of every card kind as Teams' web client renders it, in Finnish and Swedish.

Runs the bot from this checkout on a free port (a scratch SQLite database), Microsoft's Web
Chat through the harness in `../shared/webchat` (its Direct Line emulator and page), and
`driver.mjs` in headless Chromium at a 480 px bubble: each flow below is clicked through as a
worker would, and every card the bot sends is saved as a PNG with what a worker would notice:
its height in px, buttons whose title is cut off, words broken across lines, and whether
the copy box shows all of its text. Summary in `<out>/cards.md` and `<out>/cards.json`.

    .venv/bin/python tools/webchat_cards/webchat_cards.py --out /tmp/cards-shots
    .venv/bin/python tools/webchat_cards/webchat_cards.py --lang sv --flow finder

Skips (exit 0, saying why) when the harness, its `node_modules` or Chromium is missing. The
harness's folder is read-only: install it once as its README says
(`cp -r ../shared/webchat /tmp/webchat && cd /tmp/webchat && npm ci`); `/tmp/webchat` is found
by itself, another place through `WEBCHAT_DIR`. Exit 1 when a flow failed or a card showed a
truncated button, a broken word or a clipped copy box.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HARNESS_PLACES = (ROOT.parent / "shared" / "webchat", Path("/tmp/webchat"))
VIEWPORT = {"width": 800, "height": 3600}
"""Web Chat's bubbles are at most 480 px wide, as in the issue; tall, so a whole card fits."""

Step = dict[str, Any]

LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "finder": "Valitse palvelu",
        "check": "Tarkista palvelun kriteerit",
        "process": "Prosessiohjeet",
        "card": "Näytä palvelukortti",
        "perhekuntoutus": "Ympärivuorokautinen perhekuntoutus",
        "tukihenkilo": "Ammatillinen tukihenkilö",
        "yes": "Kyllä",
        "no": "Ei",
        "unknown": "En tiedä",
        "against": "Milloin palvelu ei sovellu",
        # A path to a result with four suggestions and two services ruled out.
        "finder_path": "Lapsen tai nuoren oma tilanne|10–17-vuotias|Muutostyötä ei tarvita (esim. luotettava aikuinen, kevyt tuki)"
        "|Lyhyt ja kevyt ohjaus tai tuki|Ei vielä asiakkuutta|Kyllä",
        "results": "Palveluehdotukset",
        "process_fsw": "Palvelun järjestäminen perhesosiaalityössä",
        "process_cp": "Palvelun järjestäminen lastensuojelussa",
        "next": "Seuraava",
        "question": "Minkä ikäisille ammatillinen tukihenkilö sopii?",
        "vague": "tuki",
        "nonsense": "Mikä on lounaslistan hinta?",
        "near": "onks hesassa niin et perhe arvioidaan kerralla vaikka huolia on monenlaisia",
        "case": "Perheessä 9- ja 12-vuotias. Äiti ei enää jaksa ja isä juo joka päivä, usein lasten nähden. "
        "Lapset ovat paljon pois koulusta. Mietin perhekuntoutusta, sopisiko?",
        "case_question": "Yksinhuoltajaäiti on ihan uupunut ja 6-vuotias tarvitsisi hengähdystaukoa kodin "
        "ulkopuolella. Tukiperhe voisi auttaa. Kuinka usein lapsi yleensä on tukiperheessä?",
        "cancel": "peruuta",
        "help": "apu",
        "why": "Miksi?",
        "why_not": "Miksi eivät sovellu?",
        "answers": "Vastauksesi",
        "more": "Lisätiedot",
        "feedback": "palaute",
        "provider": "Perhekoti Kataja Oy",
        "new_provider": "Lisää uutena: Perhekoti Kataja Oy",
        "line": "Lastensuojelu",
        "continue": "Jatka",
        "start": "Alkaen",
        "end": "Päättyen",
        "rating": "Sovitut tavoitteet",
        "no_concern": "Ei huolta",
        "no_details": "Ei lisätietoja",
        "send": "Lähetä",
        "campaign": "palautepyyntö",
        "whole_line": "Kaikki palvelulinjan palvelut",
        "any_provider": "Kaikki palveluntuottajat",
        "fsw": "Perhesosiaalityö",
        "named": "Nimetyt käyttäjät",
        "due": "1 viikon päästä",
        "no_note": "Ei saatetta",
        "send_now": "Lähetä nyt",
        "confirm": "Lähetä palautepyyntö",
        "campaigns": "palautepyynnöt",
        "summary": "palauteyhteenveto",
        "year": "365 päivää",
    },
    "sv": {
        "finder": "Välj en tjänst",
        "check": "Kontrollera tjänstens kriterier",
        "process": "Processanvisningar",
        "card": "Visa tjänstekort",
        "perhekuntoutus": "Familjerehabilitering dygnet runt",
        "tukihenkilo": "Professionell stödperson",
        "yes": "Ja",
        "no": "Nej",
        "unknown": "Vet inte",
        "against": "När tjänsten inte passar",
        "finder_path": "Barnets eller den ungas situation|10–17 år|Inget förändringsarbete behövs (t.ex. en pålitlig vuxen, lätt stöd)"
        "|Kort och lätt handledning eller stöd|Ingen klientrelation ännu|Ja",
        "results": "Förslag på tjänster",
        "process_fsw": "Att ordna en tjänst inom familjesocialt arbete",
        "process_cp": "Att ordna en tjänst inom barnskyddet",
        "next": "Nästa",
        "question": "För vilken ålder passar en professionell stödperson?",
        "vague": "stöd",
        "nonsense": "Vad kostar lunchen?",
        "near": "vem bestämmer om stödfamiljens arvode",
        "case": "Familjen har en 14-årig son som dragit sig undan och inte går till skolan. Båda föräldrarna "
        "jobbar heltid och orkar inte sätta gränser. Skulle familjerehabilitering passa?",
        "case_question": "Ensamstående mamman är helt slut och 6-åringen skulle behöva andrum utanför hemmet. "
        "En stödfamilj kunde hjälpa. Hur ofta brukar barnet vara i stödfamiljen?",
        "cancel": "avbryt",
        "help": "hjälp",
        "why": "Varför?",
        "why_not": "Varför passar de inte?",
        "answers": "Dina svar",
        "more": "Mer information",
        "feedback": "respons",
        "provider": "Perhekoti Kataja Oy",
        "new_provider": "Lägg till som ny: Perhekoti Kataja Oy",
        "line": "Barnskydd",
        "continue": "Fortsätt",
        "start": "Från",
        "end": "Till",
        "rating": "Överenskomna mål",
        "no_concern": "Ingen oro",
        "no_details": "Inga tilläggsuppgifter",
        "send": "Skicka",
        "campaign": "be om respons",
        "whole_line": "Alla tjänster inom tjänstelinjen",
        "any_provider": "Alla tjänsteproducenter",
        "fsw": "Socialt arbete med familjer",
        "named": "Namngivna användare",
        "due": "Om en vecka",
        "no_note": "Inget följebrev",
        "send_now": "Skicka nu",
        "confirm": "Skicka begäran",
        "campaigns": "begäranden om respons",
        "summary": "responssammandrag",
        "year": "365 dagar",
    },
}


def flows(lang: str) -> dict[str, list[Step]]:
    """The flows a worker goes through, step by step; a click names the button's title
    (alternatives: the first found on the newest card wins). Toggles expect no reply and
    photograph the card they open."""
    t = LABELS[lang]

    def click(*titles: str, slug: str, optional: bool = False, reply: bool = True) -> Step:
        step: Step = {"click": list(titles), "slug": slug}
        if optional:
            step["optional"] = True
        if not reply:
            step["expect_reply"] = False
        return step

    # The welcome on joining comes before the client's language is known: ask for it again.
    welcome: Step = {"say": t["help"], "slug": "welcome"}
    named = {
        "finder": [
            click(t["finder"], slug="finder-q1"),
            {"walk": {"prefer": t["finder_path"].split("|"), "until": t["results"]}, "slug": "finder-q"},
            click(t["why"], slug="finder-result-why", optional=True, reply=False),
            click(t["why_not"], slug="finder-result-why-not", optional=True, reply=False),
            click(t["answers"], slug="finder-result-answers", optional=True, reply=False),
            {"say": t["cancel"], "slug": "menu-after-cancel"},
        ],
        "cards": [
            click(t["card"], slug="card-pick"),
            click(t["perhekuntoutus"], slug="card-perhekuntoutus"),
            click(t["more"], slug="card-perhekuntoutus-more", optional=True, reply=False),
            {"say": t["cancel"], "slug": "menu"},
            click(t["card"], slug="card-pick-2"),
            click(t["tukihenkilo"], slug="card-tukihenkilo"),
            click(t["more"], slug="card-tukihenkilo-more", optional=True, reply=False),
        ],
        "check": [
            click(t["check"], slug="check-pick"),
            click(t["perhekuntoutus"], slug="check-q1"),
            {"answer": {"yes": t["yes"], "no": t["no"], "against": t["against"]}, "slug": "check-q"},
        ],
        "check-consider": [
            click(t["check"], slug="check2-pick"),
            click(t["tukihenkilo"], slug="check2-q1"),
            {"answer": {"yes": t["unknown"], "no": t["unknown"], "against": t["against"], "max": 16}, "slug": "check2-q"},
        ],
        "process": [
            click(t["process"], slug="process-pick"),
            click(t["process_fsw"], slug="process-fsw-1"),
            click(t["next"], slug="process-fsw-2"),
            {"say": t["cancel"], "slug": "menu"},
            click(t["process"], slug="process-pick-2"),
            click(t["process_cp"], slug="process-cp-1"),
            click(t["next"], slug="process-cp-2"),
            click(t["next"], slug="process-cp-3"),
        ],
        "qna": [
            {"say": t["question"], "slug": "qna-answer"},
            {"say": t["vague"], "slug": "qna-did-you-mean"},
            {"say": t["nonsense"], "slug": "qna-no-match"},
            {"say": t["near"], "slug": "qna-nearest"},
            {"say": t["case"], "slug": "qna-case"},
            {"say": t["case_question"], "slug": "qna-case-question"},
        ],
        # A whole feedback report: the form steps' fields are filled in and sent with Next.
        "feedback": [
            {"say": t["feedback"], "slug": "feedback-service"},
            click(t["tukihenkilo"], slug="feedback-provider"),
            {"say": t["provider"], "slug": "feedback-provider-new"},
            click(t["new_provider"], slug="feedback-line", optional=True),
            click(t["line"], slug="feedback-period"),
            {**click(t["continue"], slug="feedback-ratings"), "fill": {t["start"]: "2026-09-01", t["end"]: "2026-11-30"}},
            {**click(t["continue"], slug="feedback-concern"), "fill": {t["rating"]: "4"}},
            click(t["no_concern"], slug="feedback-details"),
            click(t["no_details"], slug="feedback-summary"),
            click(t["send"], slug="feedback-sent"),
        ],
        # A supervisor's feedback request to a named user, its status and the summary.
        "campaign": [
            {"say": t["campaign"], "slug": "campaign-service"},
            click(t["whole_line"], slug="campaign-provider"),
            click(t["any_provider"], slug="campaign-line"),
            click(t["fsw"], slug="campaign-recipients"),
            click(t["named"], slug="campaign-named"),
            {"say": "29:tyontekija", "slug": "campaign-due"},
            click(t["due"], slug="campaign-note"),
            click(t["no_note"], slug="campaign-when"),
            click(t["send_now"], slug="campaign-preview"),
            click(t["confirm"], slug="campaign-created"),
            {"say": t["campaigns"], "slug": "campaign-status"},
            {"say": t["summary"], "slug": "summary-line"},
            click(t["fsw"], slug="summary-period"),
            click(t["year"], slug="summary-table"),
        ],
    }
    return {name: [welcome, *steps] for name, steps in named.items()}


def find_harness() -> Path | None:
    places = [Path(os.environ["WEBCHAT_DIR"])] if os.environ.get("WEBCHAT_DIR") else list(HARNESS_PLACES)
    return next((p for p in places if (p / "node_modules" / "playwright-core").is_dir() and (p / "servers.mjs").is_file()), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(proc: subprocess.Popen[Any] | None) -> None:
    """Stop a process this script started (by its own pid; it stops its children)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextmanager
def running_bot(out: Path) -> Iterator[str]:
    """The bot from this checkout, as `make run` starts it, on a free port and a scratch database."""
    cli = Path(sys.executable).with_name("palveluopas")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cards-db-") as scratch:
        # PYTHONPATH: the bot from this checkout even when the venv's install points elsewhere.
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PORT": str(port), "HOST": "127.0.0.1", "DATABASE_URL": f"sqlite+aiosqlite:///{scratch}/bot.db"}
        # The Web Chat user ("cards") is an admin, so the supervisors' cards can be seen too.
        env["PALVELUOPAS_ADMINS"] = "cards"
        subprocess.run([str(cli), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        with open(out / "bot.log", "w") as log:
            bot = subprocess.Popen([str(cli), "run"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            try:
                if not wait_port(port, 60):
                    raise RuntimeError(f"the bot did not start; see {out / 'bot.log'}")
                yield f"http://127.0.0.1:{port}/api/messages"
            finally:
                stop(bot)


@contextmanager
def running_servers(harness: Path, bot: str, out: Path) -> Iterator[dict[str, str]]:
    """The harness's Direct Line emulator and Web Chat page; yields their addresses."""
    with open(out / "servers.log", "w") as log:
        yield from _servers(harness, bot, out, log)


def _servers(harness: Path, bot: str, out: Path, log: Any) -> Iterator[dict[str, str]]:
    servers = subprocess.Popen(
        ["node", "servers.mjs", "--bot", bot, "--log", str(out / "directline.jsonl"), "--user-id", "cards"],
        cwd=harness,
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    ready: dict[str, str] = {}

    def read() -> None:
        assert servers.stdout is not None
        for line in servers.stdout:
            log.write(line)
            if line.startswith("READY ") and not ready:
                ready.update(json.loads(line[6:]))

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.time() + 20
        while not ready and time.time() < deadline and servers.poll() is None:
            time.sleep(0.05)
        if not ready:
            raise RuntimeError(f"the Direct Line emulator did not start; see {out / 'servers.log'}")
        yield ready
    finally:
        stop(servers)


def run_flow(harness: Path, chromium: str, servers: dict[str, str], lang: str, name: str, steps: list[Step], out: Path) -> dict[str, Any]:
    folder = out / lang / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    config = {
        "webchatDir": str(harness),
        "page": servers["page"],
        "directline": servers["directline"],
        "outDir": str(folder),
        "chromium": chromium,
        "locale": {"fi": "fi-FI", "sv": "sv-FI"}[lang],
        "viewport": VIEWPORT,
        "stepTimeoutMs": 15000,
        "settleMs": 1200,
        "steps": steps,
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    done = subprocess.run(["node", str(HERE / "driver.mjs"), str(folder / "config.json")], cwd=harness, timeout=600, check=False)
    report: dict[str, Any] = json.loads((folder / "cards.json").read_text()) if (folder / "cards.json").exists() else {"steps": []}
    report["exit"] = done.returncode
    return report


def summarise(results: dict[str, dict[str, Any]]) -> tuple[list[str], int]:
    lines = ["| lang/flow | step | card | height px | truncated buttons | broken words | copy box |", "|---|---|---|---|---|---|---|"]
    problems = 0
    for key, report in results.items():
        if report.get("exit"):
            problems += 1
            lines.append(f"| {key} | FAILED (exit {report['exit']}) | {report.get('errors')} | | | | |")
        for step in report["steps"]:
            if step.get("status") == "error":
                problems += 1
                lines.append(f"| {key} | {step['name']} | ERROR {step.get('error')} | | | | |")
            for shot in step.get("shots", []):
                boxes = ", ".join(f"{b['shown']}/{b['needed']} px" for b in shot["textareas"])
                clipped = any(not b["whole"] for b in shot["textareas"])
                problems += bool(shot["truncated"] or shot["broken"] or clipped)
                lines.append(
                    f"| {key} | {step['name']} | {Path(shot['path']).name} | {shot['height']} | {'; '.join(shot['truncated'])} "
                    f"| {', '.join(sorted(set(shot['broken'])))} | {boxes}{' CLIPPED' if clipped else ''} |"
                )
    return lines, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/cards-shots"))
    parser.add_argument("--lang", action="append", choices=sorted(LABELS))
    parser.add_argument("--flow", action="append", choices=sorted(flows("fi")))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    harness = find_harness()
    if harness is None:
        print("skipped: no Web Chat harness with node_modules (see ../shared/webchat/README.md, or set WEBCHAT_DIR)")
        return 0
    if not os.access(args.chromium, os.X_OK):
        print(f"skipped: no Chromium at {args.chromium} (apt-get install chromium, or --chromium PATH)")
        return 0
    # SIGTERM ends the run through the `finally`s that stop the bot and the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    with running_bot(out) as bot, running_servers(harness, bot, out) as servers:
        for lang in args.lang or ["fi", "sv"]:
            for name, steps in flows(lang).items():
                if args.flow and name not in args.flow:
                    continue
                results[f"{lang}/{name}"] = run_flow(harness, args.chromium, servers, lang, name, steps, out)
    lines, problems = summarise(results)
    (out / "cards.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (out / "cards.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\n{problems} problem(s); PNGs under {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
