"""Use cases: what a person at a counter, a citizen, an archivist or an operator asks the
service to do, each put together from the domains (vault, digitize, signing, archive,
retention, accounts) and the services they run on.

``counter`` digitises at the counter (one scan or a batch), ``staging`` keeps scans for
their jobs, ``record`` confirms digitisation records, ``certify`` issues certified copies
and paper copies, ``results`` issues a dossier's signed result, ``signatures`` signs and
checks PDFs, ``reports`` counts for the reporting period, ``archiving`` hands dossiers to
the archive and disposes of them, ``sync`` links a counter node to its centre, ``fsck``
checks the stores against the database. The adapters (``sohoa.api``, ``sohoa.web``,
``sohoa.cli``) and the job kinds (``sohoa.job_kinds``) call them; they call no adapter.
"""
