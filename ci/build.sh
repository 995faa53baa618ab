# shellcheck shell=bash
# The build logic behind ci/buildspec.yml ("light buildspec, heavy scripts", seed 000 §三,
# seed 001 §5.3). Sourced, then one function per phase:
#
#   pre_build:  . ci/build.sh && prebuild
#   build:      . ci/build.sh && build
#   post_build: . ci/build.sh && postbuild && deploy && verify
#
# Inputs, set by the pipelines on their CodeBuild action:
#   LAYER          app (app pipelines) | boot (bootstrap pipeline) | infra (infra pipeline)
#   ENV            env with a params/infra-{env}.json
#   SERVICE_NAME   service (app, boot)
#   LANE           lane (app)
#   BRANCH         branch of the app repository to build (app); default: `branch` in params/{service}-{env}.json
#   MODULE_PATH    Docker build context in the app repository (app); default: `modulePath` in params
#   CODEBUILD_SRC_DIR         this repository (primary input, InfraOut)
#   CODEBUILD_SRC_DIR_AppOut  the app repository (input AppOut), a full git clone (CODEBUILD_CLONE_REF)
# Options:
#   LANES_DRY_RUN=1  deploy synthesizes the stack, runs terraform init -backend=false + validate on
#                    it and prints the deploy command instead of running it; verify is skipped
#   LANES_SYNTH_DIR  where deploy synthesizes (default: a new temporary directory); exported
#   VERIFY_ATTEMPTS / VERIFY_INTERVAL    target health checks and seconds between them (default 30 / 10)
#   HEALTHZ_ATTEMPTS / HEALTHZ_INTERVAL  health URL tries and seconds between them (default 10 / 5)
#
# How BRANCH reaches the build: a CodePipeline source action builds the branch fixed in its
# configuration (BranchName), whatever the run's variables say. The app pipeline's AppOut
# source action therefore uses OutputArtifactFormat=CODEBUILD_CLONE_REF, which hands CodeBuild
# a git clone with `origin` set up, and prebuild fetches refs/heads/$BRANCH from origin and
# checks out FETCH_HEAD. The image tag (sha-<commit>) is computed from that checkout, so tag,
# image and deploy parameters all name the commit that was actually built. The CodeBuild role
# needs codeconnections:UseConnection (codestar-connections:UseConnection) for the fetch.
#
# Inputs are checked by scripts/ci-inputs.ts with the project's own naming and params rules
# before anything talks to AWS or Docker.
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

# The TS command line, run from the project root (tsx resolves from the working directory).
_ci_inputs() { (cd "$_CI_ROOT" && node --import tsx scripts/ci-inputs.ts "$@"); }

# A command with the project's Terraform environment (provider mirror, plugin cache).
_ci_with_terraform() { (cd "$_CI_ROOT" && node --import tsx scripts/with-terraform.ts "$@"); }

# Where the deploy parameters file goes: the primary source directory.
_ci_src_dir() { printf '%s\n' "${CODEBUILD_SRC_DIR:-$_CI_ROOT}"; }

# Validates LAYER/ENV/SERVICE_NAME/LANE (and MODULE_PATH, BRANCH defaults) and exports
# LAYER ENV STACK REGION SERVICE_NAME LANE ECR_REPOSITORY MODULE_PATH BRANCH.
check_inputs() {
  local -
  set -euo pipefail
  local exports
  if ! exports="$(_ci_inputs check)"; then
    _ci_die "inputs rejected (LAYER='${LAYER:-}' ENV='${ENV:-}' SERVICE_NAME='${SERVICE_NAME:-}' LANE='${LANE:-}'): nothing was built, pushed or deployed"
    return 2
  fi
  eval "$exports"
  _ci_note "inputs: LAYER=$LAYER ENV=$ENV STACK=$STACK REGION=$REGION"
}

# Checks out $BRANCH in the AppOut clone; exports COMMIT and IMAGE_TAG=sha-<7 hex of COMMIT>.
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
  IMAGE_TAG="sha-${COMMIT:0:7}"
  export COMMIT IMAGE_TAG
  _ci_note "app at $COMMIT ($BRANCH); image tag $IMAGE_TAG"
}

# Logs docker in to the env's ECR registry; exports ECR_REGISTRY and ECR_REPOSITORY_URI.
_ci_ecr_login() {
  local account
  if ! account="$(aws sts get-caller-identity --query Account --output text --region "$REGION")"; then
    _ci_die "could not read the AWS account (aws sts get-caller-identity)"
    return 1
  fi
  if [[ ! $account =~ ^[0-9]{12}$ ]]; then
    _ci_die "aws sts get-caller-identity returned '$account', not a 12-digit account id"
    return 1
  fi
  ECR_REGISTRY="$account.dkr.ecr.$REGION.amazonaws.com"
  ECR_REPOSITORY_URI="$ECR_REGISTRY/$ECR_REPOSITORY"
  export ECR_REGISTRY ECR_REPOSITORY_URI
  if ! aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$ECR_REGISTRY"; then
    _ci_die "docker login to $ECR_REGISTRY failed"
    return 1
  fi
}

prebuild() {
  local -
  set -euo pipefail
  check_inputs || return
  if [[ $LAYER != app ]]; then
    _ci_note "LAYER=$LAYER: no image to build"
    return 0
  fi
  if [[ $ACTION != deploy && $ACTION != canary ]]; then
    _ci_note "ACTION=$ACTION: no image to build"
    return 0
  fi
  _ci_checkout_app || return
  _ci_ecr_login || return
}

# 0: the tag is in ECR; 1: it is not; 2: the lookup failed. (ecr:BatchGetImage: the app role
# has it for pushing anyway; a missing tag comes back as a "failures" entry, not an error.)
_ci_image_exists() {
  local found count
  if ! found="$(aws ecr batch-get-image --region "$REGION" --repository-name "$ECR_REPOSITORY" --image-ids "imageTag=$IMAGE_TAG" --output json)"; then
    return 2
  fi
  count="$(printf '%s' "$found" | _ci_inputs images-found)" || return 2
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
  if [[ $LAYER != app || ($ACTION != deploy && $ACTION != canary) ]]; then
    _ci_note "LAYER=$LAYER ACTION=$ACTION: no image to build"
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

# Writes deploy-params.json { service, env, lane, layer, branch, commit, imageUri, stack }.
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
  file="$(_ci_src_dir)/deploy-params.json"
  _ci_inputs deploy-params "$file" >/dev/null || return
  _ci_note "deploy parameters ($file):"
  cat "$file" >&2
}

# Runs the run's ACTION through the lanes CLI (lib/cli/lanes.ts): preflight (lower layers
# present, state not locked), the lane's image history, then cdktf deploy/destroy of exactly the
# one stack. ACTION=deploy deploys $IMAGE_URI (app) or the shared layer (infra, boot); promote,
# rollback and destroy build nothing. With LANES_DRY_RUN=1 a deploy synthesizes $STACK alone and
# validates it with terraform; every action prints the command it would have run.
deploy() {
  local -
  set -euo pipefail
  if [[ -z ${STACK:-} ]]; then
    _ci_die "STACK is not set: pre_build (check_inputs) did not run in this shell"
    return 1
  fi
  local action="${ACTION:-deploy}"
  if [[ $LAYER == app && ($action == deploy || $action == canary) && -z ${IMAGE_URI:-} ]]; then
    _ci_die "IMAGE_URI is empty: the build phase did not push an image; refusing to deploy $STACK"
    return 1
  fi
  local outdir="${LANES_SYNTH_DIR:-}"
  if [[ -z $outdir ]]; then
    outdir="$(mktemp -d "${TMPDIR:-/tmp}/lanes-synth.XXXXXX")" || return 1
  fi
  if ! { mkdir -p "$outdir" && rm -rf "${outdir:?}/stacks" "$outdir/manifest.json"; }; then
    _ci_die "could not prepare $outdir"
    return 1
  fi
  export LANES_SYNTH_DIR="$outdir"

  local -a lanes=(node --import tsx lib/cli/lanes.ts "$action")
  case "$LAYER" in
    app) if [[ $action == canary ]]; then lanes+=(--service "$SERVICE_NAME" --env "$ENV"); else lanes+=("$LANE" --service "$SERVICE_NAME" --env "$ENV"); fi ;;
    boot) lanes+=(--layer boot --service "$SERVICE_NAME" --env "$ENV") ;;
    infra) lanes+=(--layer infra --env "$ENV") ;;
  esac
  if [[ $LAYER == app && ($action == deploy || $action == canary) ]]; then lanes+=(--image "$IMAGE_URI"); fi
  lanes+=(--output "$outdir")
  local shown
  printf -v shown '%q ' "${lanes[@]}"

  if [[ ${LANES_DRY_RUN:-} == 1 ]]; then
    if [[ $action == deploy ]]; then
      # lib/selection.ts: ENV+SERVICE+LANE → the lane; ENV+SERVICE+LAYER=boot → boot; ENV+LAYER=infra → infra.
      local -a selector=(ENV="$ENV" LAYER="$LAYER" SERVICE="${SERVICE_NAME:-}" SERVICE_NAME="${SERVICE_NAME:-}" LANE="${LANE:-}" IMAGE_URI="${IMAGE_URI:-}")
      _ci_note "synthesizing $STACK into $outdir"
      if ! (cd "$_CI_ROOT" && env "${selector[@]}" CDKTF_OUTDIR="$outdir" node --import tsx main.ts); then
        _ci_die "synth of $STACK failed"
        return 1
      fi
      _ci_inputs synthesized "$outdir" "$STACK" >&2 || return
      local dir="$outdir/stacks/$STACK"
      if ! _ci_with_terraform terraform -chdir="$dir" init -backend=false -input=false -no-color >&2; then
        _ci_die "terraform init -backend=false failed in $dir"
        return 1
      fi
      if ! _ci_with_terraform terraform -chdir="$dir" validate -no-color >&2; then
        _ci_die "terraform validate failed for $STACK"
        return 1
      fi
      _ci_note "dry run (LANES_DRY_RUN=1): $STACK synthesized alone and terraform validate passed; would run:"
    else
      _ci_note "dry run (LANES_DRY_RUN=1): ACTION=$action; would run:"
    fi
    printf '  (cd %q && %s)\n' "$_CI_ROOT" "${shown% }" >&2
    return 0
  fi
  _ci_note "ACTION=$action: ${shown% }"
  if ! (cd "$_CI_ROOT" && "${lanes[@]}"); then
    _ci_die "lanes $action for $STACK failed (see above)"
    return 1
  fi
}

# Lane stacks only (seed 001 §5.3.4): ≥1 healthy target in the lane's target group, then the
# health URL answers through the ALB with the lane's tracestate.
verify() {
  local -
  set -euo pipefail
  if [[ ${LAYER:-} != app ]]; then
    _ci_note "verify: LAYER=${LAYER:-} has no lane to verify"
    return 0
  fi
  if [[ ${LANES_DRY_RUN:-} == 1 ]]; then
    _ci_note "verify skipped: dry run (LANES_DRY_RUN=1) deployed nothing"
    return 0
  fi
  if [[ ${ACTION:-deploy} == destroy ]]; then
    _ci_note "verify: ACTION=destroy leaves no lane to verify"
    return 0
  fi
  if [[ -z ${STACK:-} || -z ${LANES_SYNTH_DIR:-} ]]; then
    _ci_die "STACK or LANES_SYNTH_DIR is not set: deploy did not run in this shell"
    return 1
  fi
  # After a promotion (or a worker canary release) default serves the image: verify default.
  if [[ ${ACTION:-deploy} == promote || ${ACTION:-deploy} == canary ]]; then
    local -x LANE=default ACTION=deploy
    local STACK="app-$SERVICE_NAME-$ENV-default"
  fi
  local outputs checks
  if ! outputs="$(_ci_with_terraform terraform -chdir="$LANES_SYNTH_DIR/stacks/$STACK" output -json)"; then
    _ci_die "could not read the outputs of $STACK (terraform output -json)"
    return 1
  fi
  checks="$(printf '%s' "$outputs" | _ci_inputs lane-check)" || return
  eval "$checks"
  if [[ -z $TARGET_GROUP_ARN || -z $HEALTH_URL ]]; then
    _ci_note "verify: $SERVICE_NAME has no ALB in $ENV (initAlb=false): no target group or URL to check"
    return 0
  fi

  local attempts="${VERIFY_ATTEMPTS:-30}" interval="${VERIFY_INTERVAL:-10}" i health healthy=0
  for ((i = 1; i <= attempts; i++)); do
    healthy=0
    if health="$(aws elbv2 describe-target-health --region "$REGION" --target-group-arn "$TARGET_GROUP_ARN" --output json)"; then
      healthy="$(printf '%s' "$health" | _ci_inputs healthy-targets)" || healthy=0
    fi
    _ci_note "verify: $healthy healthy target(s) in $TARGET_GROUP_ARN (check $i/$attempts)"
    if ((healthy >= 1)); then break; fi
    if ((i < attempts)); then sleep "$interval"; fi
  done
  if ((healthy < 1)); then
    _ci_die "timed out: no healthy target in $TARGET_GROUP_ARN after $attempts checks ${interval}s apart; see the ECS service events of $STACK and the logs in /ecs/$ENV/$SERVICE_NAME (stream prefix $LANE/)"
    return 1
  fi

  local tries="${HEALTHZ_ATTEMPTS:-10}" pause="${HEALTHZ_INTERVAL:-5}"
  local -a curl_args=(-fsS --max-time 10 -H "$TRACESTATE_HEADER")
  if [[ $HEALTH_INSECURE == 1 ]]; then curl_args+=(--insecure); fi
  for ((i = 1; i <= tries; i++)); do
    if curl "${curl_args[@]}" "$HEALTH_URL"; then
      printf '\n' >&2
      _ci_note "verify: $HEALTH_URL answered with '$TRACESTATE_HEADER' (try $i/$tries)"
      return 0
    fi
    if ((i < tries)); then sleep "$pause"; fi
  done
  _ci_die "timed out: $HEALTH_URL with '$TRACESTATE_HEADER' did not answer with a 2xx after $tries tries ${pause}s apart"
  return 1
}
