"""The activity handler: which activities start or continue the root dialog.

Every turn ends by saving ConversationState (the dialog stack) and UserState; a turn that
fails is saved by the adapter's `on_turn_error` after it has reset the conversation.
"""

from __future__ import annotations

from botbuilder.core import ActivityHandler, ConversationState, TurnContext, UserState
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount

DIALOG_STATE_PROPERTY = "DialogState"


class PalveluopasBot(ActivityHandler):
    def __init__(self, root_dialog: Dialog, conversation_state: ConversationState, user_state: UserState) -> None:
        self._root_id = root_dialog.id
        self._conversation_state = conversation_state
        self._user_state = user_state
        self._dialogs = DialogSet(conversation_state.create_property(DIALOG_STATE_PROPERTY))
        self._dialogs.add(root_dialog)

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self._conversation_state.save_changes(turn_context)
        await self._user_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        # In a Teams channel the text starts with the bot's @mention; strip it before reading.
        # botbuilder's helper fails on a card submit, whose text is None.
        if activity.text is not None:
            if activity.recipient is not None:
                TurnContext.remove_recipient_mention(activity)
            activity.text = activity.text.strip()
        dialog_context = await self._dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(self._root_id)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id == bot_id for member in members_added or ()):
            await self._greet(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._greet(turn_context)

    async def _greet(self, turn_context: TurnContext) -> None:
        """Start the root dialog, which greets, unless it already runs: Teams sends both an
        installationUpdate and a conversationUpdate on install, and one greeting is enough."""
        dialog_context = await self._dialogs.create_context(turn_context)
        if dialog_context.active_dialog is None:
            await dialog_context.begin_dialog(self._root_id)
