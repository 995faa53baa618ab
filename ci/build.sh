# shellcheck shell=bash
# The build behind ci/buildspec.yml: the phases' sequence, git, and the aws/docker calls that
# must be shell. Every decision, name, poll and dry run is `lanes ci <phase>` (lib/cli/commands/ci.ts,
# lib/ci/), where it is tested. Sourced, then one function per phase:
#
#   pre_build:  . ci/build.sh && prebuild
#   build:      . ci/build.sh && build
#   post_build: . ci/build.sh && postbuild && deploy && verify
#
# Inputs (set by the pipelines on their CodeBuild action; `lanes ci --help` describes them):
# LAYER, ENV, SERVICE_NAME, LANE, ACTION, BRANCH, MODULE_PATH; CODEBUILD_SRC_DIR (this
# repository), CODEBUILD_SRC_DIR_AppOut (the app repository, a full git clone). Options:
# LANES_DRY_RUN=1, LANES_SYNTH_DIR, VERIFY_ATTEMPTS/VERIFY_INTERVAL, HEALTHZ_ATTEMPTS/HEALTHZ_INTERVAL.
#
# How BRANCH reaches the build: a CodePipeline source action builds the branch fixed in its
# configuration, whatever the run's variables say; the app source therefore hands CodeBuild a
# git clone (OutputArtifactFormat=CODEBUILD_CLONE_REF) and prebuild fetches refs/heads/$BRANCH
# and checks it out, so the image tag names the commit actually built.
#
# Error handling: each function turns on `set -euo pipefail` for its own body only (`local -`),
# and every step that matters also checks its status explicitly, because bash ignores -e inside
# a function called on the left of `&&` (postbuild and deploy in the post_build command).

_CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_ci_note() { printf 'ci: %s\n' "$*" >&2; }
_ci_die() {
  printf 'ci: error: %s\n' "$*" >&2
  return 1
}

# The lanes CLI (bin/lanes.js, under tsx's CommonJS hook), run from the project root.
_ci_lanes() { (cd "$_CI_ROOT" && node bin/lanes.js "$@"); }

# Checks the run's inputs; exports LAYER ENV STACK REGION SERVICE_NAME LANE ECR_REPOSITORY
# MODULE_PATH BRANCH ACTION BUILDS_IMAGE.
check_inputs() {
  local -
  set -euo pipefail
  local exports
  if ! exports="$(_ci_lanes ci inputs)"; then
    _ci_die "inputs rejected (LAYER='${LAYER:-}' ENV='${ENV:-}' SERVICE_NAME='${SERVICE_NAME:-}' LANE='${LANE:-}' ACTION='${ACTION:-}'): nothing was built, pushed or deployed"
    return 2
  fi
  eval "$exports"
  _ci_note "inputs: LAYER=$LAYER ENV=$ENV STACK=$STACK REGION=$REGION ACTION=$ACTION BUILDS_IMAGE=$BUILDS_IMAGE"
}

# Checks out $BRANCH in the AppOut clone; exports COMMIT.
_ci_checkout_app() {
  local app="${CODEBUILD_SRC_DIR_AppOut:-}"
  if [[ -z $app ]]; then
    _ci_die "CODEBUILD_SRC_DIR_AppOut is empty: the app pipeline's build action needs the app repository as input artifact AppOut"
    return 1
  fi
  if ! git -C "$app" rev-parse --git-dir >/dev/null 2>&1; then
    _ci_die "$app is not a git clone: the AppOut source action needs OutputArtifactFormat=CODEBUILD_CLONE_REF"
    return 1
  fi
  # refs/heads/…: a branch, never a tag of the same name, and never read as a git option.
  if ! git check-ref-format "refs/heads/$BRANCH"; then
    _ci_die "BRANCH='$BRANCH' is not a valid git branch name"
    return 1
  fi
  _ci_note "checking out branch '$BRANCH' of the app repository"
  if ! git -C "$app" fetch --quiet --no-tags origin "refs/heads/$BRANCH"; then
    _ci_die "could not fetch branch '$BRANCH' from the app repository's origin ($(git -C "$app" remote get-url origin 2>/dev/null || echo 'no origin')): does the branch exist?"
    return 1
  fi
  if ! git -C "$app" -c advice.detachedHead=false checkout --quiet --detach FETCH_HEAD; then
    _ci_die "could not check out '$BRANCH' in $app"
    return 1
  fi
  COMMIT="$(git -C "$app" rev-parse HEAD)" || return 1
  export COMMIT
  _ci_note "app at $COMMIT ($BRANCH)"
}

# Logs docker in to the env's ECR registry; exports ECR_REGISTRY ECR_REPOSITORY_URI IMAGE_TAG.
_ci_ecr_login() {
  local account exports
  if ! account="$(aws sts get-caller-identity --query Account --output text --region "$REGION")"; then
    _ci_die "could not read the AWS account (aws sts get-caller-identity)"
    return 1
  fi
  exports="$(_ci_lanes ci image --account "$account")" || return 1
  eval "$exports"
  if ! aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$ECR_REGISTRY"; then
    _ci_die "docker login to $ECR_REGISTRY failed"
    return 1
  fi
}

_ci_no_image() {
  if [[ $LAYER == app ]]; then _ci_note "ACTION=$ACTION: no image to build"; else _ci_note "LAYER=$LAYER: no image to build"; fi
}

prebuild() {
  local -
  set -euo pipefail
  check_inputs || return
  if [[ $BUILDS_IMAGE != 1 ]]; then
    _ci_no_image
    return 0
  fi
  _ci_checkout_app || return
  _ci_ecr_login || return
}

# 0: the tag is in ECR; 1: it is not; 2: the lookup failed.
_ci_image_exists() {
  local found count
  if ! found="$(aws ecr batch-get-image --region "$REGION" --repository-name "$ECR_REPOSITORY" --image-ids "imageTag=$IMAGE_TAG" --output json)"; then
    return 2
  fi
  count="$(printf '%s' "$found" | _ci_lanes ci images-found)" || return 2
  if ((count > 0)); then return 0; fi
  return 1
}

build() {
  local -
  set -euo pipefail
  if [[ -z ${STACK:-} ]]; then
    _ci_die "STACK is not set: pre_build (check_inputs) did not run in this shell"
    return 1
  fi
  if [[ $BUILDS_IMAGE != 1 ]]; then
    _ci_no_image
    return 0
  fi
  if [[ -z ${IMAGE_TAG:-} || -z ${ECR_REPOSITORY_URI:-} ]]; then
    _ci_die "prebuild did not check out the app or log in to ECR (IMAGE_TAG or ECR_REPOSITORY_URI is empty)"
    return 1
  fi
  local uri="$ECR_REPOSITORY_URI:$IMAGE_TAG" status=0
  # Tags are immutable (constructs/image-repository.ts): a commit already built, e.g. for
  # another lane, is deployed as it is.
  _ci_image_exists || status=$?
  if [[ $status == 0 ]]; then
    _ci_note "$uri is already in ECR: not building it again"
    export IMAGE_URI="$uri"
    return 0
  fi
  if [[ $status != 1 ]]; then
    _ci_die "could not look up tag $IMAGE_TAG in ECR repository $ECR_REPOSITORY"
    return 1
  fi
  local context="$CODEBUILD_SRC_DIR_AppOut"
  [[ $MODULE_PATH == . ]] || context="$context/$MODULE_PATH"
  if [[ ! -f $context/Dockerfile ]]; then
    _ci_die "no Dockerfile in $context (MODULE_PATH='$MODULE_PATH' of the app repository at $COMMIT)"
    return 1
  fi
  if ! docker build --tag "$uri" \
    --label "org.opencontainers.image.revision=$COMMIT" \
    --label "org.opencontainers.image.ref.name=$BRANCH" \
    "$context"; then
    _ci_die "docker build in $context failed"
    return 1
  fi
  if ! docker push "$uri"; then
    _ci_die "docker push $uri failed"
    return 1
  fi
  export IMAGE_URI="$uri"
  _ci_note "pushed $IMAGE_URI"
}

# Writes deploy-params.json in the primary source directory (the build action's artifact).
postbuild() {
  local -
  set -euo pipefail
  if [[ ${CODEBUILD_BUILD_SUCCEEDING:-1} != 1 ]]; then
    _ci_die "an earlier phase failed: no deploy parameters, no deploy"
    return 1
  fi
  if [[ -z ${STACK:-} ]]; then
    _ci_die "STACK is not set: pre_build (check_inputs) did not run in this shell"
    return 1
  fi
  local file
  file="${CODEBUILD_SRC_DIR:-$_CI_ROOT}/deploy-params.json"
  _ci_lanes ci deploy-params --file "$file" >/dev/null || return
  _ci_note "deploy parameters ($file):"
  cat "$file" >&2
}

# Runs the run's ACTION through the lanes commands (preflight, image history, cdktf of exactly
# the one stack); LANES_DRY_RUN=1 synthesizes and validates instead.
deploy() {
  local -
  set -euo pipefail
  if [[ -z ${STACK:-} ]]; then
    _ci_die "STACK is not set: pre_build (check_inputs) did not run in this shell"
    return 1
  fi
  if [[ -z ${LANES_SYNTH_DIR:-} ]]; then
    LANES_SYNTH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lanes-synth.XXXXXX")" || return 1
  fi
  export LANES_SYNTH_DIR
  if ! _ci_lanes ci deploy >&2; then
    _ci_die "ACTION=${ACTION:-deploy} for $STACK failed (see above)"
    return 1
  fi
}

# Lane stacks: a healthy target, then the health path through the ALB with the lane's tracestate.
verify() {
  local -
  set -euo pipefail
  if ! _ci_lanes ci verify >&2; then
    _ci_die "verify of ${STACK:-the stack} failed (see above)"
    return 1
  fi
}
