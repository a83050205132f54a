"""Team review: the SQLite side of syncing with a PostgreSQL server, and the server side.

``replay`` (a team's verdict on an entry) and ``local`` (outbox, pulled events,
assignments, decisions) touch only the project file, naming entries by their natural key
(``store.keys``); ``server`` and ``schema`` hold every PostgreSQL statement and are the
only modules that import psycopg, so a project that never connects never needs it.
"""
