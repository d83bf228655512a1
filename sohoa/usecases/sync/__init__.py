"""Counter nodes (điểm tiếp nhận một cửa) that keep digitising while the centre is away.

A node is an ordinary sohoa (its own database, storage, PKI keys) with the
centre's URL and a staff account there in its settings. It files every document
locally, then `node.Syncer` sends each one to the centre's
``POST /api/v1/sync/documents`` (`receive`), which files it exactly once under a
key made of the node's account and the node's document id.
"""
