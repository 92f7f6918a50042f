"""Learner-side self-checks and the fixed cases they (and the grader) use. Never imports lstm_ref."""
