"""Wave score: an unsupervised prior, corrected online by moderator labels.

Before any label arrives the score is the *prior*: a fixed logistic function of the
wave evidence. Shared identity traits count (more so as more accounts share them, up
to a point), environment traits and lockstep activity add a little; an identity
evidence of 2.4 in a wave of ``min_size`` accounts, or of 1.6 in one of six, is a
suspension at the default threshold.

A river logistic regression then learns from ``label`` events only — late, sparse,
sometimes wrong. It *starts as the prior*: its input includes the prior log-odds with
an initial weight that reproduces it exactly, every other weight starts at zero, so
before any label the model and the prior agree, and each label nudges the weights by
one SGD step. ``label_weight`` bounds how far (in log-odds) the model may move a
score away from the prior: a handful of wrong labels cannot suspend a campus.

References
----------
Montiel et al. *River: machine learning for streaming data in Python*. JMLR 2021.
Chapelle, Schölkopf, Zien (eds.). *Semi-Supervised Learning*. MIT Press 2006.
"""
from __future__ import annotations

import math

from river import linear_model, optim

from detectors.waves import share_factor

__all__ = ["WaveScorer", "FEATURES", "prior_logit", "size_gain"]

#: Feature names (the model sees these plus the prior log-odds).
FEATURES = ("identity", "environment", "n_identity", "log_size", "lockstep", "match", "rate", "coact",
            "coact_share", "explained")

_PRIOR_SCALE = 4.0  # the prior enters the model as logit / 4 with an initial weight of 4
_MAX_SHIFT = 6.0  # log-odds the model may move the score at label_weight = 1


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def size_gain(n: int, min_size: int = 4) -> float:
    """How much more a shared trait says when ``n`` accounts share it: 1 at
    ``min_size``, 1.5 from about 6 accounts (big benign crowds exist), then slowly more
    for waves of hundreds: 0.1 per doubling beyond 16, up to 1.7 from 64. A trait that
    hundreds of accounts share within one burst is more than one that 16 share; a crowd
    shares origins and first names, which count little or are checked elsewhere (a
    shared origin, an organisation, two name traits counted as one and a half).

    >>> size_gain(4), round(size_gain(5), 2), size_gain(16), size_gain(32), size_gain(500)
    (1.0, 1.42, 1.5, 1.6, 1.7)
    """
    if n > 16:
        return min(1.7, 1.5 + 0.1 * math.log2(n / 16))
    m = max(min_size, 2)
    return min(1.5, max(0.5, 1.0 + 1.87 * math.log(max(n, 1) / m)))


def prior_logit(f: dict, w_identity: float = 1.0, w_environment: float = 1.0, w_lockstep: float = 1.0,
                min_size: int = 4) -> float:
    """The unsupervised log-odds that a wave is fake, from its evidence features.

    >>> strong = {"identity": 2.0, "environment": 0.5, "n_identity": 2, "log_size": math.log(6),
    ...           "lockstep": 0, "match": 1.0, "rate": 0.4}
    >>> campus = {"identity": 1.0, "environment": 1.5, "n_identity": 1, "log_size": math.log(140),
    ...           "lockstep": 60, "match": 1.0, "rate": 0.4}
    >>> _sigmoid(prior_logit(strong)) > 0.9, _sigmoid(prior_logit(campus)) < 0.9
    (True, True)
    """
    n = math.exp(f["log_size"])
    ident = f["identity"] * w_identity
    lock = min(1.0, max(0.0, (f["lockstep"] - 2.0) / 8.0))
    # lockstep without a shared origin: benign crowds that act together (a campus
    # following its university, viewers of one show) share a network, a mail domain or
    # a referrer; coordinated accounts that rotated every trait share nothing
    co = f.get("coact", 0)
    unexplained = 1.0 - min(1.0, f.get("explained", 0.0) / 0.7)
    coact = 2.0 * min(1.0, max(0.0, (co - 2.0) / 6.0)) * share_factor(f.get("coact_share", 0.0)) * unexplained
    evidence = ((ident + w_lockstep * coact) * size_gain(round(n), min_size)
                + 0.1 * w_environment * min(f["environment"], 1.5)
                + 0.25 * w_lockstep * lock * min(1.0, ident / 1.5))
    return 2.2 + 3.0 * (evidence - 2.4)


class WaveScorer:
    """Prior + label-trained river model (which starts as the prior).

    Parameters
    ----------
    learning_rate
        SGD step of the logistic regression.
    label_weight
        Bound on how far (``label_weight x 6`` log-odds) the model may move the prior.

    Examples
    --------
    >>> ws = WaveScorer()
    >>> f = {"identity": 2.6, "environment": 0.0, "n_identity": 3, "log_size": 2.0, "lockstep": 0,
    ...      "match": 1.0, "rate": 0.5}
    >>> p0 = ws.score_one(f)
    >>> p0 == ws.prior(f)
    True
    >>> for _ in range(50):
    ...     ws.learn_one(f, False)
    >>> ws.score_one(f) < p0, ws.labels_learned
    (True, 50)
    """

    def __init__(self, learning_rate: float = 0.05, label_weight: float = 0.5):
        self.learning_rate = learning_rate
        self.label_weight = label_weight
        self.model = linear_model.LogisticRegression(optimizer=optim.SGD(learning_rate), l2=0.0,
                                                     intercept_lr=learning_rate / 5)
        self.model._weights["prior"] = _PRIOR_SCALE  # start exactly at the prior
        self.labels_learned = 0
        self.weights = {"identity": 1.0, "environment": 1.0, "lockstep": 1.0}
        self.min_size = 4

    def set_learning_rate(self, lr: float) -> None:
        self.learning_rate = lr
        self.model.optimizer.lr = optim.schedulers.Constant(lr)
        self.model.intercept_lr = optim.schedulers.Constant(lr / 5)

    def _prior_logit(self, f: dict) -> float:
        w = self.weights
        return prior_logit(f, w["identity"], w["environment"], w["lockstep"], self.min_size)

    def prior(self, f: dict) -> float:
        """The prior probability alone."""
        return _sigmoid(self._prior_logit(f))

    def _x(self, f: dict, lp: float) -> dict:
        return {"prior": lp / _PRIOR_SCALE,
                "identity": min(f["identity"], 5.0) / 2.0,
                "environment": min(f["environment"], 2.0),
                "n_identity": min(f["n_identity"], 6) / 3.0,
                "log_size": min(f["log_size"], 8.0) / 4.0,
                "lockstep": min(f["lockstep"], 20.0) / 10.0,
                "match": f["match"],
                "rate": f["rate"],
                "coact": min(f.get("coact", 0), 20) / 10.0,
                "explained": f.get("explained", 0.0)}

    def score_one(self, f: dict) -> float:
        lp = self._prior_logit(f)
        if self.labels_learned == 0 or self.label_weight <= 0.0:
            return _sigmoid(lp)
        m = self.model.predict_proba_one(self._x(f, lp)).get(True, 0.5)
        m = min(max(m, 1e-9), 1 - 1e-9)
        lm = math.log(m / (1 - m))
        shift = _MAX_SHIFT * self.label_weight
        return _sigmoid(min(lp + shift, max(lp - shift, lm)))

    def learn_one(self, f: dict, spam: bool) -> None:
        """Learn from one label (the only supervised signal)."""
        self.model.learn_one(self._x(f, self._prior_logit(f)), bool(spam))
        self.labels_learned += 1
