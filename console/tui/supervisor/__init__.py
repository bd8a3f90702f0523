"""The supervisor's Textual app: live queues, the agent board, alerts, actions and reports."""
