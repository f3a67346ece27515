"""Demo data: three teams, eight people and three months of incidents and postmortems.

Loaded by ``hansei demo`` and ``hansei serve --demo`` through the real services, so every rule
(milestone order, reviews before publication, permissions) holds for it as for real data.
"""
