"""The outbox's one hook for the apps whose messages it carries (no import from here up)."""

import django.dispatch

# Sent with sender=<ref_type> and messages=[Message, ...] (status already set: sent, failed or
# cancelled), INSIDE the transaction that marks them, and only for rows with a ref_type: a
# receiver updates its own rows there, so e.g. "reminder sent" commits exactly with "message
# sent". A row accepted by its transport is marked (and settled) alone, at once, so a worker
# dying mid-batch can duplicate only the message in flight; rows failed or cancelled together
# in one statement settle together.
messages_settled = django.dispatch.Signal()
