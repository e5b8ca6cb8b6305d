"""Training and capacity building of the poverty-reduction workforce: plans, classes,
participants, attendance, knowledge tests, costs, statistics and the policy handbook."""
