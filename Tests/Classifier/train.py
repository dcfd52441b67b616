"""Trains, calibrates and evaluates the classifier; writes the model and the data card
(spec/classifier.md §5, §7).

    train.py CORPUS.pickle MODEL.bin CARD.md REFERENCE.json

CORPUS.pickle comes from corpus.py; each fold's model is kept in CORPUS.pickle.folds/
so a run stopped halfway resumes. Evaluation is leave-one-repository-out (every
repository's blocks scored by a model trained on the others, calibrated on the others'
held-out scores) and leave-one-organisation-out, against each negative set.
REFERENCE.json: scores of the fixture blocks (Tests/Fixtures/classifier/blocks/) by the
final model, computed the way the Swift scorer computes them, for the test that checks
the two agree.
"""

import collections
import hashlib
import json
import math
import os
import re
import struct
import sys
import time

import joblib
import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve

sys.path.insert(0, os.path.dirname(__file__))
# The worker processes (folds, features) import features.py too.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [os.path.dirname(os.path.abspath(__file__))] + [p for p in [os.environ.get("PYTHONPATH")] if p])
import features as F  # noqa: E402
from blocks import unscored_reason  # noqa: E402

C = 4.0
MODEL_MAGIC = b"STCLSF1\x00"
# 2: the share calibration (§6) after the Platt numbers. 3: n-grams by presence.
# 4: the file context's numbers (§3.4) after the style numbers.
MODEL_FORMAT = 4


def featurize_part(rows):
    """The hashed n-grams as coordinates (row within `rows`, column, value) and the dense numbers."""
    hashed_rows, cols, vals, styles = [], [], [], []
    for i, row in enumerate(rows):
        vector = F.hashed_vector(row["lines"])
        for k, v in vector.items():
            hashed_rows.append(i)
            cols.append(k)
            vals.append(v)
        styles.append(F.dense(row["lines"], row.get("context")))
    return hashed_rows, cols, vals, styles


def featurize(rows):
    """The hashed n-grams (sparse) and the dense numbers of `rows`, a part on each core.
    The parts' coordinates are joined in order before the matrix is made: the matrices
    are the same, to the byte, as one pass makes (the folds' checkpoints are named by
    their digest)."""
    jobs = os.cpu_count() or 1
    size = max(1, -(-len(rows) // jobs))
    parts = Parallel(n_jobs=jobs)(delayed(featurize_part)(rows[start:start + size])
                                  for start in range(0, len(rows), size))
    hashed_rows, cols, vals, styles = [], [], [], []
    for index, (part_rows, part_cols, part_vals, part_styles) in enumerate(parts):
        hashed_rows += [i + index * size for i in part_rows]
        cols += part_cols
        vals += part_vals
        styles += part_styles
    X = sparse.csr_matrix((vals, (hashed_rows, cols)), shape=(len(rows), F.HASH_SIZE))
    return X, np.array(styles)


def standardize(S, mean=None, std=None):
    if mean is None:
        mean = S.mean(axis=0)
        std = S.std(axis=0)
        std[std == 0] = 1.0
    return (S - mean) / std, mean, std


def fit(X, S, y):
    Z, mean, std = standardize(S)
    # Newton-CG: the same optimum as liblinear (AUC within 0.0003), in half the time.
    model = LogisticRegression(C=C, solver="newton-cg", class_weight="balanced", max_iter=200, random_state=0)
    model.fit(sparse.hstack([X, sparse.csr_matrix(Z)]).tocsr(), y)
    return model, mean, std


def fit_without(X, S, y, held_out, checkpoint=None):
    """`fit` on the rows not held out. With `checkpoint` (a file name), a fold fitted
    before is read from it and a new one written to it, so an evaluation stopped
    halfway (a fold takes minutes, all of them hours) starts again where it stopped."""
    if checkpoint and os.path.exists(checkpoint):
        return joblib.load(checkpoint)
    fitted = fit(X[~held_out], S[~held_out], y[~held_out])
    if checkpoint:
        joblib.dump(fitted, checkpoint + ".partial")
        os.replace(checkpoint + ".partial", checkpoint)
    return fitted


def fingerprint(*arrays):
    """What a checkpointed fold depends on: the features, the labels, the fit's settings."""
    digest = hashlib.sha256(repr((C, MODEL_FORMAT, F.HASH_BITS)).encode())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def checkpoint_name(directory, data_print, held_out):
    if not directory:
        return None
    rows = hashlib.sha256(np.flatnonzero(held_out).astype("<i8").tobytes()).hexdigest()[:16]
    return os.path.join(directory, f"fold-{data_print}-{rows}.joblib")


def logits(model, mean, std, X, S):
    Z, _, _ = standardize(S, mean, std)
    return model.decision_function(sparse.hstack([X, sparse.csr_matrix(Z)]).tocsr())


def platt(z, y):
    """a, b with P(ai) = 1 / (1 + exp(-(a z + b)))."""
    model = LogisticRegression(C=1e6, solver="lbfgs")
    model.fit(z.reshape(-1, 1), y)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def ece(p, y, bins=10):
    total = 0.0
    for b in range(bins):
        inside = (p >= b / bins) & (p < (b + 1) / bins) if b < bins - 1 else (p >= b / bins)
        if inside.any():
            total += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return total


def tpr_at(y, score, fpr_limit=0.01):
    fpr, tpr, _ = roc_curve(y, score)
    return float(tpr[fpr <= fpr_limit].max()) if (fpr <= fpr_limit).any() else 0.0


def commit_scores(rows, z):
    """Per commit: the line-weighted mean of its blocks' logits."""
    grouped = collections.defaultdict(lambda: [0.0, 0])
    for row, value in zip(rows, z):
        key = (row["repo"], row["commit"], row["label"])
        grouped[key][0] += value * len(row["lines"])
        grouped[key][1] += len(row["lines"])
    keys = list(grouped)
    return keys, np.array([grouped[k][0] / grouped[k][1] for k in keys])


def held_out(rows, X, S, y, group_of, known=None, checkpoints=None, whole=False):
    """Out-of-group logits, calibrated probabilities (Platt fitted on the other groups'
    held-out logits), each group's model (for scoring its blocks transformed), and with
    `whole` the model fitted on every row (the one shipped), fitted beside the folds
    (first, so that it is kept however early a run stops), else None.
    `known`: models already fitted, by the tuple of the row indices they held out; a
    group holding out the same rows (an organisation of one repository) reuses its model.
    `checkpoints`: a directory the folds are kept in (see `fit_without`)."""
    groups = sorted(set(group_of))
    z = np.zeros(len(rows))
    tests = {g: np.array([k == g for k in group_of]) for g in groups}
    known = known or {}
    fitted = [g for g in groups if not tests[g].all() and len(set(y[~tests[g]])) == 2]
    reused = {g: known[tuple(np.flatnonzero(tests[g]))] for g in fitted
              if tuple(np.flatnonzero(tests[g])) in known}
    # Each fold is independent: one process per core (the order of folds does not
    # change any result, every fit is seeded).
    new = [g for g in fitted if g not in reused]
    # The whole matrices go to the workers, each slicing its own fold: joblib shares one
    # memory-mapped copy of them, where fold slices would each be copied to /dev/shm
    # (95 repositories of 17,500 blocks filled 19 GB).
    data_print = fingerprint(X.data, X.indices, X.indptr, S, y) if checkpoints else None
    jobs = ([np.zeros(len(rows), bool)] if whole else []) + [tests[g] for g in new]
    trained = Parallel(n_jobs=os.cpu_count() or 1)(
        delayed(fit_without)(X, S, y, held, checkpoint_name(checkpoints, data_print, held)) for held in jobs)
    whole_model = trained.pop(0) if whole else None
    models = dict(zip(new, trained))
    models.update(reused)
    print(f"{len(new)} folds fitted, {len(reused)} reused", flush=True)
    for g in fitted:
        z[tests[g]] = logits(*models[g], X[tests[g]], S[tests[g]])
    p = np.zeros(len(rows))
    for g in groups:
        test = tests[g]
        a, b = platt(z[~test], y[~test])
        p[test] = sigmoid(a * z[test] + b)
    return z, p, models, whole_model


def measures(rows, y, z, p, negative):
    keep = np.array([r["label"] in ("ai", negative) for r in rows])
    if len(set(y[keep])) < 2:
        return None
    sub = [r for r, k in zip(rows, keep) if k]
    keys, cz = commit_scores(sub, z[keep])
    cy = np.array([1 if k[2] == "ai" else 0 for k in keys])
    return {
        "blocks": int(keep.sum()),
        "commits": len(keys),
        "block_auc": roc_auc_score(y[keep], z[keep]),
        "commit_auc": roc_auc_score(cy, cz),
        "block_tpr_1": tpr_at(y[keep], z[keep]),
        "commit_tpr_1": tpr_at(cy, cz),
        "ece": ece(p[keep], y[keep]),
    }


def within_repositories(rows, y, z, negative, minimum=20):
    """Block AUC inside each repository holding at least `minimum` blocks of AI and of
    `negative`: how much of the pooled separation holds within one repository."""
    result = []
    for repo in sorted(set(r["repo"] for r in rows)):
        keep = np.array([r["repo"] == repo and r["label"] in ("ai", negative) for r in rows])
        labels = y[keep]
        if (labels == 1).sum() >= minimum and (labels == 0).sum() >= minimum:
            result.append((repo, float(roc_auc_score(labels, z[keep]))))
    return result


def line_weighted_mean(p, lines, keep):
    return float((p[keep] * lines[keep]).sum() / lines[keep].sum())


def share_calibration(rows, y, p, lines, keep=None, minimum=20):
    """The numbers the estimated AI share of many blocks is read with (§6): the
    line-weighted mean held-out probability of contemporary human blocks and of AI
    blocks, and how far one repository's mean strays from them (the standard deviation,
    over repositories with at least `minimum` blocks of the class, of their means)."""
    keep = np.ones(len(rows), bool) if keep is None else keep
    repos = np.array([r["repo"] for r in rows])
    labels = np.array([r["label"] for r in rows])
    out = []
    for cls in ("human-new", "ai"):
        of_class = keep & (labels == cls)
        means = [line_weighted_mean(p, lines, of_class & (repos == repo)) for repo in sorted(set(repos[of_class]))
                 if (of_class & (repos == repo)).sum() >= minimum]
        out.append((line_weighted_mean(p, lines, of_class), float(np.std(means)) if means else 0.0))
    (human_mean, human_sd), (ai_mean, ai_sd) = out
    return human_mean, ai_mean, human_sd, ai_sd


# Below this gap between the class means the share cannot be read from the blocks (§6).
MINIMUM_SEPARATION = 0.05


def estimated_share(p, lines, calibration):
    """§6: (share, low, high) of the lines of blocks with probabilities p; the naive
    line-weighted mean and its independent-blocks interval without a calibration."""
    total = lines.sum()
    mean = float((p * lines).sum() / total)
    sampling = float((lines * lines * p * (1 - p)).sum() / (total * total))
    if calibration is None:
        spread = 1.96 * math.sqrt(sampling)
        return mean, max(0.0, mean - spread), min(1.0, mean + spread)
    human_mean, ai_mean, human_sd, ai_sd = calibration
    if ai_mean - human_mean < MINIMUM_SEPARATION:
        return None, 0.0, 1.0
    raw = (mean - human_mean) / (ai_mean - human_mean)
    share = min(1.0, max(0.0, raw))
    sd = math.sqrt((1 - share) ** 2 * human_sd ** 2 + share ** 2 * ai_sd ** 2 + sampling) / (ai_mean - human_mean)
    low, high = max(0.0, raw - 1.96 * sd), min(1.0, raw + 1.96 * sd)
    return share, min(low, share), max(high, share)


def share_coverage(rows, y, p, lines, minimum=20):
    """Per held-out repository, with the calibration measured on the others: how often
    the 95 % interval holds the repository's true AI share of lines, for its
    contemporary human blocks alone (true share 0), its AI blocks alone (1) and all its
    blocks (the corpus's mix), with the naive interval and the calibrated one."""
    repos = np.array([r["repo"] for r in rows])
    labels = np.array([r["label"] for r in rows])
    result = {}
    for repo in sorted(set(repos)):
        mine = repos == repo
        calibration = share_calibration(rows, y, p, lines, keep=~mine, minimum=minimum)
        for name, keep in (("contemporary human", mine & (labels == "human-new")), ("AI", mine & (y == 1)),
                           ("all", mine)):
            if keep.sum() < minimum or (name == "all" and len(set(y[keep])) < 2):
                continue
            truth = float((y[keep] * lines[keep]).sum() / lines[keep].sum())
            for method, c in (("naive", None), ("calibrated", calibration)):
                share, low, high = estimated_share(p[keep], lines[keep], c)
                entry = result.setdefault((name, method), {"n": 0, "covered": 0, "width": 0.0, "error": 0.0})
                entry["n"] += 1
                entry["covered"] += int(low - 1e-9 <= truth <= high + 1e-9)
                entry["width"] += high - low
                entry["error"] += abs((0.5 if share is None else share) - truth)
    return result


COMMENT = re.compile(rb"^\s*(//|#|/\*|\*|--|;;|\"\"\"|''')")
IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def strip_comments(lines):
    kept = [line for line in lines if not COMMENT.match(line)]
    return kept or [b""]


def rename_identifiers(lines):
    names = {}

    def rename(match):
        return names.setdefault(match.group(0), b"v%d" % len(names))

    return [IDENTIFIER.sub(rename, line) for line in lines]


def language(path):
    return path.rsplit(".", 1)[-1].lower()


def write_model(path, model, mean, std, block_platt, commit_platt, share, model_id):
    weights = model.coef_[0].astype(np.float32)
    with open(path, "wb") as handle:
        handle.write(MODEL_MAGIC)
        handle.write(struct.pack("<III", MODEL_FORMAT, F.HASH_BITS, F.DENSE_COUNT))
        handle.write(model_id.encode().ljust(32, b"\x00"))
        handle.write(struct.pack("<fffff", float(model.intercept_[0]), *block_platt, *commit_platt))
        handle.write(struct.pack("<ffff", *share))
        handle.write(mean.astype("<f4").tobytes())
        handle.write(std.astype("<f4").tobytes())
        handle.write(weights[F.HASH_SIZE:].astype("<f4").tobytes())
        handle.write(weights[:F.HASH_SIZE].astype("<f4").tobytes())


def reference_scores(model_path, fixture_dir):
    """Scores of the fixture blocks, computed as Sources/Classifier does: float32
    weights widened to double, sums in bucket order, then the dense terms in order. A
    block's parent version, when it has one, is parents/NAME, and contexts.json gives
    the line the block starts at."""
    data = open(model_path, "rb").read()
    _, hash_bits, dense_count = struct.unpack_from("<III", data, 8)
    bias, pa, pb, _, _ = struct.unpack_from("<fffff", data, 52)
    offset = 88
    mean = np.frombuffer(data, "<f4", dense_count, offset); offset += 4 * dense_count
    std = np.frombuffer(data, "<f4", dense_count, offset); offset += 4 * dense_count
    dense_w = np.frombuffer(data, "<f4", dense_count, offset); offset += 4 * dense_count
    w = np.frombuffer(data, "<f4", 1 << hash_bits, offset)
    root = os.path.dirname(fixture_dir)
    starts = json.load(open(os.path.join(root, "contexts.json")))
    out = []
    for name in sorted(os.listdir(fixture_dir)):
        text = open(os.path.join(fixture_dir, name), "rb").read()
        lines = text[:-1].split(b"\n") if text.endswith(b"\n") else text.split(b"\n")
        context = None
        if name in starts:
            parent = open(os.path.join(root, "parents", name), "rb").read()
            context = F.context_window(parent, starts[name])
        vector = F.hashed_vector(lines)
        hashed = 0.0
        for k in sorted(vector):
            hashed += float(w[k]) * vector[k]
        z = float(bias) + hashed
        dense = F.dense(lines, context)
        # A format 3 model weighs the style numbers alone (the first dense_count).
        for j in range(dense_count):
            z += float(dense_w[j]) * ((dense[j] - float(mean[j])) / float(std[j]))
        p = 1.0 / (1.0 + math.exp(-(float(pa) * z + float(pb))))
        path = name.split("-", 1)[1][:-len(".txt")]
        out.append({"file": name, "buckets": len(vector), "dense": dense, "logit": z, "probability": p,
                    "unscored_reason": unscored_reason(path, lines)})
    return out


def main():
    corpus, model_path, card_path, reference_path = sys.argv[1:5]
    import pickle
    rows = pickle.load(open(corpus, "rb"))
    started = time.time()
    X, S = featurize(rows)
    print(f"{len(rows)} blocks, {len(set(r['repo'] for r in rows))} repositories", flush=True)
    y = np.array([1 if r["label"] == "ai" else 0 for r in rows])
    print(f"features of {len(rows)} blocks in {time.time() - started:.0f} s", flush=True)

    report = {"repositories": collections.OrderedDict(), "sets": {}}
    for r in rows:
        entry = report["repositories"].setdefault(r["repo"], collections.Counter())
        entry[r["label"]] += 1

    # Folds are kept beside the corpus: a run stopped halfway, started again on the same
    # corpus, fits only the folds it had not.
    checkpoints = corpus + ".folds"
    os.makedirs(checkpoints, exist_ok=True)
    z, p, repository_models, shipped = held_out(rows, X, S, y, [r["repo"] for r in rows],
                                                checkpoints=checkpoints, whole=True)
    report["sets"]["loro"] = {neg: measures(rows, y, z, p, neg) for neg in ("human-new", "human-old")}
    report["ece_all"] = ece(p, y)
    report["within"] = {neg: within_repositories(rows, y, z, neg) for neg in ("human-new", "human-old")}
    lines = np.array([len(r["lines"]) for r in rows], float)
    report["share"] = share_calibration(rows, y, p, lines)
    report["share_coverage"] = share_coverage(rows, y, p, lines)
    repository_folds = {tuple(np.flatnonzero([r["repo"] == g for r in rows])): m
                        for g, m in repository_models.items()}
    zo, po, _, _ = held_out(rows, X, S, y, [r["org"] for r in rows], known=repository_folds,
                           checkpoints=checkpoints)
    report["sets"]["logo"] = {neg: measures(rows, y, zo, po, neg) for neg in ("human-new", "human-old")}
    report["languages"] = {}
    for lang in sorted(set(language(r["path"]) for r in rows)):
        keep = np.array([language(r["path"]) == lang for r in rows])
        if keep.sum() >= 60 and len(set(y[keep])) == 2:
            sub = [r for r, k in zip(rows, keep) if k]
            report["languages"][lang] = {neg: measures(sub, y[keep], z[keep], p[keep], neg)
                                         for neg in ("human-new", "human-old")}
    # Robustness: the held-out blocks transformed, the models as trained.
    for name, transform in (("comments stripped", strip_comments), ("identifiers renamed", rename_identifiers)):
        changed = [dict(r, lines=transform(r["lines"])) for r in rows]
        Xt, St = featurize(changed)
        zt = np.zeros(len(rows))
        for g, (model, mean, std) in repository_models.items():
            test = np.array([r["repo"] == g for r in rows])
            zt[test] = logits(model, mean, std, Xt[test], St[test])
        report["sets"][name] = {neg: dict(measures(rows, y, zt, p, neg), ece=None)
                                for neg in ("human-new", "human-old")}

    block_platt = platt(z, y)
    _, cz = commit_scores(rows, z)
    keys, _ = commit_scores(rows, z)
    cy = np.array([1 if k[2] == "ai" else 0 for k in keys])
    commit_platt = platt(cz, cy)
    # The minute too: two models trained the same day must not share an id.
    model_id = "sessiontrace-lr-" + time.strftime("%Y%m%d-%H%M", time.gmtime())
    write_model(model_path, *shipped, block_platt, commit_platt, report["share"], model_id)
    report["model_id"] = model_id
    report["blocks"] = len(rows)
    report["commits"] = len(set((r["repo"], r["commit"]) for r in rows))
    json.dump(reference_scores(model_path, os.path.join(os.path.dirname(reference_path), "blocks")),
              open(reference_path, "w"), indent=1)
    write_card(card_path, report)
    print(json.dumps(report["sets"], indent=1, default=float))


def write_card(path, report):
    def row(name, m):
        if not m:
            return f"| {name} | — | — | — | — | — | — |"
        calibration = "—" if m["ece"] is None else f"{m['ece']:.3f}"
        return (f"| {name} | {m['blocks']} / {m['commits']} | {m['block_auc']:.3f} | {m['commit_auc']:.3f} | "
                f"{100 * m['block_tpr_1']:.1f} % | {100 * m['commit_tpr_1']:.1f} % | {calibration} |")

    def goal(measure, negative, target, value):
        verdict = "met" if value >= target else "not met"
        return f"| {measure} | {negative} | ≥ {target} | {value:.3f} | {verdict} |"
    lines = [
        f"Model `{report['model_id']}`: {report['blocks']} blocks from {report['commits']} commits of "
        f"{len(report['repositories'])} repositories.",
        "",
        "| evaluation, negatives | blocks / commits | block AUC | commit AUC | block TPR @ 1 % FPR | commit TPR @ 1 % FPR | ECE |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    titles = {"loro": "leave-one-repository-out", "logo": "leave-one-organisation-out"}
    for key, sets in report["sets"].items():
        for neg in ("human-new", "human-old"):
            label = "contemporary human (2023–2024)" if neg == "human-new" else "human before 2021-06"
            lines.append(row(f"{titles.get(key, key)}, {label}", sets[neg]))
    lines += ["", f"ECE over all held-out blocks (leave-one-repository-out, the mix of classes the calibration "
              f"is fitted on): {report['ece_all']:.3f}. Per negative set, the ECE above measures the same "
              "probabilities against a different mix of classes, so it shows the prior's shift as much as "
              "calibration; under the robustness transformations it is not measured.", ""]
    for negative, key in (("contemporary human code", "human-new"), ("code from before 2021", "human-old")):
        aucs = [auc for _, auc in report["within"][key]]
        if aucs:
            lines.append(
                f"Within one repository, against {negative} (leave-one-repository-out logits, the "
                f"{len(aucs)} repositories with at least 20 blocks of each class): mean block AUC "
                f"{np.mean(aucs):.3f}, median {np.median(aucs):.3f}, from {min(aucs):.3f} "
                f"({min(report['within'][key], key=lambda x: x[1])[0].replace('+', '/')}) to {max(aucs):.3f}.")
            lines.append("")
    human_mean, ai_mean, human_sd, ai_sd = report["share"]
    lines += [
        "Share calibration (§6), from the leave-one-repository-out probabilities: line-weighted mean "
        f"{human_mean:.3f} for contemporary human blocks and {ai_mean:.3f} for AI blocks; one repository's "
        f"mean strays from them by {human_sd:.3f} and {ai_sd:.3f} (standard deviation over repositories "
        "with at least 20 blocks of the class). How often the 95 % interval of the estimated AI share holds "
        "a held-out repository's true share, the calibration measured on the other repositories, against "
        "the interval that takes blocks as independent draws at the corpus's mix of classes (naive):", "",
        "| blocks of one held-out repository | repositories | naive: holds the true share | mean error | "
        "calibrated: holds the true share | mean error | mean width |",
        "| --- | --- | --- | --- | --- | --- | --- |"]
    coverage = report["share_coverage"]
    for name in ("contemporary human", "AI", "all"):
        naive, calibrated = coverage.get((name, "naive")), coverage.get((name, "calibrated"))
        if not naive:
            continue
        n = naive["n"]
        lines.append(f"| {name} | {n} | {100 * naive['covered'] / n:.0f} % | {naive['error'] / n:.3f} | "
                     f"{100 * calibrated['covered'] / n:.0f} % | {calibrated['error'] / n:.3f} | "
                     f"{calibrated['width'] / n:.2f} |")
    lines.append("")
    loro = report["sets"]["loro"]
    lines += ["Goals (spec: held-out repositories), leave-one-repository-out:", "",
              "| measure | against | goal | measured | |", "| --- | --- | --- | --- | --- |"]
    for negative, key, targets in (("contemporary human", "human-new", (0.80, 0.85, 0.35)),
                                   ("human before 2021", "human-old", (0.88, 0.90, 0.50))):
        m = loro[key]
        lines.append(goal("block AUC", negative, targets[0], m["block_auc"]))
        lines.append(goal("commit AUC", negative, targets[1], m["commit_auc"]))
        lines.append(goal("commit TPR at 1 % FPR", negative, targets[2], m["commit_tpr_1"]))
    lines.append(f"| ECE after calibration | all held-out blocks | ≤ 0.03 | {report['ece_all']:.3f} | "
                 f"{'met' if report['ece_all'] <= 0.03 else 'not met'} |")
    lines += ["", "Per language (leave-one-repository-out):", "",
              "| language | vs contemporary: block AUC | commit AUC | vs before 2021: block AUC | commit AUC |",
              "| --- | --- | --- | --- | --- |"]
    for lang, sets in report["languages"].items():
        cells = []
        for neg in ("human-new", "human-old"):
            m = sets[neg]
            cells += [f"{m['block_auc']:.3f}", f"{m['commit_auc']:.3f}"] if m else ["—", "—"]
        lines.append(f"| {lang} | " + " | ".join(cells) + " |")
    lines += ["", "Repositories (blocks: AI, contemporary human, human before 2021):", "",
              "| repository | AI | contemporary | before 2021 |", "| --- | --- | --- | --- |"]
    for repo, counts in report["repositories"].items():
        lines.append(f"| {repo.replace('+', '/')} | {counts['ai']} | {counts['human-new']} | {counts['human-old']} |")
    begin, end = "<!-- data card: written by make train-classifier -->", "<!-- end of data card -->"
    text = open(path).read()
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(path, "w").write(head + begin + "\n\n" + "\n".join(lines) + "\n\n" + end + tail)


if __name__ == "__main__":
    if sys.argv[1] == "--reference":
        model_path, reference_path = sys.argv[2:4]
        json.dump(reference_scores(model_path, os.path.join(os.path.dirname(reference_path), "blocks")),
                  open(reference_path, "w"), indent=1)
    else:
        main()
