"""The feedback service's Prometheus metrics: ratings per task type and prompt version.

``autoglm_feedback_ratings_total`` counts ratings (``rating``: up/down for thumbs, 1-5 for stars) and
``autoglm_feedback_reward_total`` sums their rewards (0..1), so the mean rating of a prompt version is
``rate(reward_total) / rate(ratings_total)`` for the same labels.
"""

from __future__ import annotations

from prometheus_client import Counter

RATINGS = Counter(
    "autoglm_feedback_ratings_total", "Ratings taken, per task type and prompt version.",
    ["task_type", "prompt_version", "rating"],
)
REWARD = Counter(
    "autoglm_feedback_reward_total", "Sum of ratings' rewards (thumbs up 1, down 0; stars 1-5 -> 0..1).",
    ["task_type", "prompt_version"],
)
REFUSED = Counter("autoglm_feedback_refused_total", "Feedback refused and dead-lettered.", ["reason"])
CORRECTIONS = Counter("autoglm_feedback_corrections_total", "Corrections applied, by what they changed.", ["effect"])
