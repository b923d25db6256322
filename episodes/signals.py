"""What the episodes app announces, so the apps above it react without episodes importing them."""

from django.dispatch import Signal

# Sent by episodes.actions.record_return inside its transaction, once the return is saved and audited, with
# `episode` (the returned episode) and `acting_user`. The interviews app opens or extends the child's return
# interview (interviews.receivers); an error in a receiver rolls the return back with it.
episode_returned = Signal()

# Sent by episodes.actions.report_missing inside its transaction, once the episode is saved and audited, with
# `episode` and `acting_user`. The notifications app tells who needs to know (notifications.receivers).
episode_reported = Signal()
