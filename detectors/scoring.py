"""Wave score: an unsupervised prior, corrected online by moderator labels.

Before any label arrives the score is the *prior*: a fixed logistic function of the
wave evidence (shared identity traits count most, environment traits little,
lockstep and size add). A river logistic regression learns from ``label`` events
only — late, sparse, sometimes wrong — over the same features, and its prediction
is blended in with a weight that grows with the number of labels learned, up to
``label_weight``. The prior alone can reach any score; labels alone can move a score
by at most ``label_weight`` (a handful of wrong labels cannot suspend a campus).

References
----------
Montiel et al. *River: machine learning for streaming data in Python*. JMLR 2021.
Chapelle, Schölkopf, Zien (eds.). *Semi-Supervised Learning*. MIT Press 2006 (priors
shrunk towards as labels accumulate).
"""
from __future__ import annotations

import math

from river import linear_model, optim

__all__ = ["WaveScorer", "FEATURES", "prior_logit"]

#: Feature names (the model sees exactly these).
FEATURES = ("identity", "environment", "n_identity", "log_size", "lockstep", "match", "rate")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def prior_logit(f: dict, w_identity: float = 1.0, w_environment: float = 1.0, w_lockstep: float = 1.0,
                min_size: int = 4) -> float:
    """The unsupervised log-odds that a wave is fake, from its evidence features.

    >>> strong = {"identity": 3.5, "environment": 0.5, "n_identity": 4, "log_size": math.log(6),
    ...           "lockstep": 0, "match": 1.0, "rate": 1.0}
    >>> campus = {"identity": 0.3, "environment": 1.1, "n_identity": 0, "log_size": math.log(40),
    ...           "lockstep": 4, "match": 1.0, "rate": 1.0}
    >>> _sigmoid(prior_logit(strong)) > 0.95, _sigmoid(prior_logit(campus)) < 0.2
    (True, True)
    """
    ident = f["identity"]
    lock = min(1.5, max(0.0, (f["lockstep"] - 2.0) / 4.0))
    size = min(1.0, max(-2.0, f["log_size"] - math.log(max(min_size, 2))))
    x = (-5.0
         + 2.2 * w_identity * ident
         + 0.5 * w_environment * min(f["environment"], 1.5)
         + 1.2 * w_lockstep * lock * min(1.0, ident)
         + 0.6 * size
         + 0.4 * min(f["n_identity"], 3))
    return x


class WaveScorer:
    """Prior + label-trained river model, blended.

    Parameters
    ----------
    learning_rate
        SGD step of the logistic regression.
    label_weight
        Largest weight the model gets in the blend.
    half_labels
        Number of labels at which the model gets half of ``label_weight``.
    l2
        L2 penalty of the model.

    Examples
    --------
    >>> ws = WaveScorer()
    >>> f = {"identity": 3.5, "environment": 0.0, "n_identity": 4, "log_size": 2.0, "lockstep": 0,
    ...      "match": 1.0, "rate": 0.5}
    >>> p0 = ws.score_one(f)
    >>> for _ in range(200):
    ...     ws.learn_one(f, False)
    >>> ws.score_one(f) < p0, ws.labels_learned
    (True, 200)
    """

    def __init__(self, learning_rate: float = 0.05, label_weight: float = 0.5, half_labels: int = 50,
                 l2: float = 1e-3):
        self.learning_rate = learning_rate
        self.label_weight = label_weight
        self.half_labels = half_labels
        self.model = linear_model.LogisticRegression(optimizer=optim.SGD(learning_rate), l2=l2)
        self.labels_learned = 0
        self.weights = {"identity": 1.0, "environment": 1.0, "lockstep": 1.0}
        self.min_size = 4

    def set_learning_rate(self, lr: float) -> None:
        self.learning_rate = lr
        self.model.optimizer.lr = optim.schedulers.Constant(lr)

    def prior(self, f: dict) -> float:
        """The prior probability alone."""
        w = self.weights
        return _sigmoid(prior_logit(f, w["identity"], w["environment"], w["lockstep"], self.min_size))

    def _x(self, f: dict) -> dict:
        x = {k: float(f[k]) for k in FEATURES}
        x["identity"] = min(x["identity"], 5.0)
        x["lockstep"] = min(x["lockstep"], 20.0) / 10.0
        x["prior"] = prior_logit(f) / 5.0
        return x

    def blend(self) -> float:
        """Current weight of the label-trained model in the score."""
        n = self.labels_learned
        return self.label_weight * n / (n + self.half_labels) if n else 0.0

    def score_one(self, f: dict) -> float:
        p = self.prior(f)
        lam = self.blend()
        if lam <= 0.0:
            return p
        q = self.model.predict_proba_one(self._x(f)).get(True, 0.5)
        return (1.0 - lam) * p + lam * q

    def learn_one(self, f: dict, spam: bool) -> None:
        """Learn from one label (the only supervised signal)."""
        self.model.learn_one(self._x(f), bool(spam))
        self.labels_learned += 1
