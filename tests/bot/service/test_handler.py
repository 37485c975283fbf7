"""The activity handler, driven through botbuilder's TestAdapter over a scripted engine."""

from __future__ import annotations

from bot.service.context import BotServices
from bot.store.storage import SqlStorage
from tests.support.dialogs import DialogDriver
from tests.support.engines import script_engine
from tests.support.replies import texts

COUNTER = script_engine(["vuoro 1 ({kind})", "vuoro 2 ({kind})", "vuoro 3 ({kind})"])


async def test_the_first_message_begins_the_conversation_and_later_ones_continue_it(bot_services: BotServices, bot_storage: SqlStorage) -> None:
    driver = DialogDriver(bot_services, bot_storage, engine=COUNTER())
    turns = ["hei", {"pv": {"dialog": "x", "step": "y", "action": "answer"}}, "  ", "taas"]

    replies = [await driver.say(turn) for turn in turns]

    assert [texts(turn) for turn in replies] == [["vuoro 1 (teksti)"], ["vuoro 2 (painike)"], ["vuoro 3 (teksti)"], ["vuoro 1 (teksti)"]]


async def test_the_dialog_state_is_kept_in_the_database_between_adapters(bot_services: BotServices, bot_storage: SqlStorage) -> None:
    await DialogDriver(bot_services, bot_storage, engine=COUNTER()).say("hei")

    replies = await DialogDriver(bot_services, bot_storage, engine=COUNTER()).say("jatka")

    assert texts(replies) == ["vuoro 2 (teksti)"]
