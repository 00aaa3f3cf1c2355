#!/usr/bin/env bash
# Build benchmarks/.venv-text: nlpaug and TextAttack for benchmarks/text_speed.py, offline-run.
# TextAttack's own requirements make pip's resolver backtrack for a long time, so it is
# installed without dependencies plus the set it needs to import EasyDataAugmenter; flair
# (imported by TextAttack) needs transformers < 5. The WordNet data comes from Debian:
#   apt-get install -y wordnet-base
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=benchmarks/.venv-text
python3 -m venv "$VENV"
PIP="$VENV/bin/pip"
"$PIP" install -q nlpaug==1.1.11 nltk numpy pandas "torch==2.13.0" "transformers==4.46.3" \
    "datasets==3.6.0" lru-dict lemminflect language-tool-python scipy editdistance \
    terminaltables word2number num2words more-itertools pinyin jieba bert-score
"$PIP" install -q --no-deps textattack==0.3.11 flair==0.15.1 boto3 botocore s3transfer \
    jmespath deprecated wrapt segtok scikit-learn narwhals threadpoolctl sentencepiece ftfy \
    wcwidth lxml bioc conllu transformer-smaller-training-vocab Levenshtein rapidfuzz \
    langdetect six OpenHowNet anytree
"$PIP" install -q pyyaml opencv-python-headless stringzilla
"$PIP" install -q --no-deps -e .
echo "ready: $VENV/bin/python benchmarks/text_speed.py"
