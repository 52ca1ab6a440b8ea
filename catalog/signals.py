"""What the catalogue tells the layers above it (which it never imports)."""

from django.dispatch import Signal

# Sent once the transaction that changed catalogue records has committed (an import
# batch, a curator's action, an undo); no arguments. The curators' queues listen.
catalogue_changed = Signal()
