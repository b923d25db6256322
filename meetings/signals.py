"""What the meetings app announces, so the apps above it react without meetings importing them."""

from django.dispatch import Signal

# Sent by meetings.actions.add_action inside its transaction, once the action is saved and audited, with `action`
# (the new MeetingAction) and `acting_user`. The notifications app tells the action's owner
# (notifications.receivers); an error in a receiver rolls the action back with it.
action_added = Signal()
