"""SageMaker endpoints and retraining, under the plan engine."""

import json

import pytest

from tests.conftest import plan_served, policy_document

MODEL = "aws:sagemaker/model:Model"
CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def prod(served):
    return served("fraud-prod")


@pytest.fixture(scope="module")
def dev(served):
    return served("fraud-dev")


def test_dev_endpoint_is_serverless_and_encrypted(dev):
    config = dev.one(CONFIG).inputs
    (variant,) = config["productionVariants"]
    assert variant["serverlessConfig"] == {"memorySizeInMb": 2048, "maxConcurrency": 5}
    assert "instanceType" not in variant
    assert config["kmsKeyArn"] == dev.exports["teamKmsKeyArn"]
    # Serverless endpoints support no data capture, VPC or isolation (AWS): none is asked for.
    assert "dataCaptureConfig" not in config
    assert dev.of_type("aws:appautoscaling/target:Target") == []
    model = dev.one(MODEL).inputs
    assert model["executionRoleArn"] == dev.exports["executionRoleArns"]["endpoint"]
    served = (
        "arn:aws:sagemaker:eu-west-1:210987654321:model-package/mlops-fraud-dev-fraud-classifier/3"
    )
    assert model["primaryContainer"]["modelPackageName"] == served


def test_prod_model_is_network_isolated_in_the_private_subnets(prod, plan):
    env = plan("prod").exports
    model = prod.one(MODEL).inputs
    assert model["enableNetworkIsolation"] is True
    assert model["vpcConfig"] == {
        "subnets": env["privateSubnetIds"],
        "securityGroupIds": env["workloadSecurityGroupIds"],
    }
    assert model["executionRoleArn"] == prod.exports["executionRoleArns"]["endpoint"]


def test_prod_endpoint_captures_data_to_the_capture_bucket_with_the_team_key(prod):
    config = prod.one(CONFIG).inputs
    key = prod.exports["teamKmsKeyArn"]
    assert config["kmsKeyArn"] == key
    capture = config["dataCaptureConfig"]
    assert capture["enableCapture"] is True
    assert capture["initialSamplingPercentage"] == 100
    assert capture["kmsKeyId"] == key
    bucket = prod.exports["buckets"]["capture"]
    assert capture["destinationS3Uri"] == f"s3://{bucket}/mlops-fraud-prod-endpoint"
    assert {o["captureMode"] for o in capture["captureOptions"]} == {"Input", "Output"}
    (variant,) = config["productionVariants"]
    assert variant["instanceType"] == "ml.m5.large"
    assert variant["initialInstanceCount"] == 2
    assert variant["modelName"] == prod.one(MODEL).outputs["name"]


def test_prod_endpoint_updates_blue_green_and_rolls_back_on_its_alarms(prod):
    endpoint = prod.one(ENDPOINT).inputs
    assert endpoint["name"] == "mlops-fraud-prod-endpoint"
    assert endpoint["endpointConfigName"] == prod.one(CONFIG).outputs["name"]
    policy = endpoint["deploymentConfig"]["blueGreenUpdatePolicy"]
    assert policy["trafficRoutingConfiguration"] == {
        "type": "CANARY",
        "waitIntervalInSeconds": 600,
        "canarySize": {"type": "CAPACITY_PERCENT", "value": 10},
    }
    rollback = {
        a["alarmName"] for a in endpoint["deploymentConfig"]["autoRollbackConfiguration"]["alarms"]
    }
    alarms = {
        a.inputs["name"]: a.inputs for a in prod.of_type(ALARM) if a.name.startswith("endpoint-")
    }
    assert rollback == set(alarms)
    metrics = {a["metricName"]: a for a in alarms.values()}
    assert set(metrics) == {"Invocation5XXErrors", "ModelLatency"}
    for alarm in metrics.values():
        assert alarm["namespace"] == "AWS/SageMaker"
        assert alarm["dimensions"] == {
            "EndpointName": "mlops-fraud-prod-endpoint",
            "VariantName": "primary",
        }
    assert metrics["ModelLatency"]["threshold"] == 500 * 1000  # microseconds


def test_prod_endpoint_autoscales_on_invocations_per_instance(prod):
    target = prod.one("aws:appautoscaling/target:Target").inputs
    assert target["resourceId"] == "endpoint/mlops-fraud-prod-endpoint/variant/primary"
    assert target["scalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    policy = prod.one("aws:appautoscaling/policy:Policy").inputs
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "SageMakerVariantInvocationsPerInstance"
    )
    assert tracking["targetValue"] == 200


def test_retraining_pipeline_runs_the_pipeline_image_with_mlflow_dvc_and_buckets(prod, plan):
    env = plan("prod").exports
    pipeline = prod.one("aws:sagemaker/pipeline:Pipeline").inputs
    assert pipeline["roleArn"] == prod.exports["executionRoleArns"]["pipeline"]
    (step,) = json.loads(pipeline["pipelineDefinition"])["Steps"]
    arguments = step["Arguments"]
    assert arguments["AppSpecification"]["ImageUri"] == prod.exports["imageUris"]["pipeline"]
    variables = arguments["Environment"]
    buckets = prod.exports["buckets"]
    assert variables["MLFLOW_TRACKING_URI"] == prod.exports["mlflowTrackingUri"]
    assert variables["MLOPS_DVC_REMOTE_URL"] == prod.exports["dvcRemote"]["url"]
    # registered under the team's prefix (stacks/Pulumi.fraud-prod.yaml: mlops, fraud, prod), the
    # only model package groups the tracking server may mirror into
    assert variables["MLOPS_REGISTERED_MODEL_NAME"] == "mlops-fraud-prod-fraud-classifier"
    assert variables["MLOPS_CURATED_BUCKET"] == buckets["curated"]
    key = prod.exports["teamKmsKeyArn"]
    assert arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == key
    assert arguments["ProcessingResources"]["ClusterConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert arguments["ProcessingOutputConfig"]["KmsKeyId"] == key
    assert arguments["NetworkConfig"]["VpcConfig"]["Subnets"] == env["privateSubnetIds"]


def test_schedule_starts_only_that_pipeline(prod):
    pipeline = prod.one("aws:sagemaker/pipeline:Pipeline")
    schedule = prod.one("aws:scheduler/schedule:Schedule").inputs
    assert schedule["scheduleExpression"] == "cron(0 2 ? * SUN *)"
    assert schedule["target"]["arn"] == pipeline.outputs["arn"]
    role = prod.one("aws:iam/role:Role", "retraining-scheduler-role")
    assert schedule["target"]["roleArn"] == role.outputs["arn"]
    trust = policy_document(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    permissions = policy_document(
        prod.one("aws:iam/rolePolicy:RolePolicy", "retraining-scheduler-policy").inputs["policy"]
    )
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in permissions["Statement"]] == [
        ("Allow", "sagemaker:StartPipelineExecution", pipeline.outputs["arn"])
    ]


def test_prod_monitors_captured_data_isolated_and_encrypted(prod, plan):
    env = plan("prod").exports
    job = prod.one("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").inputs
    key = prod.exports["teamKmsKeyArn"]
    assert job["dataQualityJobInput"]["endpointInput"]["endpointName"] == (
        "mlops-fraud-prod-endpoint"
    )
    assert job["dataQualityAppSpecification"]["imageUri"].endswith(
        ".dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
    )
    assert job["networkConfig"]["enableNetworkIsolation"] is True
    assert job["networkConfig"]["vpcConfig"]["subnets"] == env["privateSubnetIds"]
    assert job["dataQualityJobOutputConfig"]["kmsKeyId"] == key
    assert job["jobResources"]["clusterConfig"]["volumeKmsKeyId"] == key
    schedule = prod.one("aws:sagemaker/monitoringSchedule:MonitoringSchedule").inputs
    config = schedule["monitoringScheduleConfig"]
    assert config["monitoringType"] == "DataQuality"
    assert config["scheduleConfig"] == {"scheduleExpression": "cron(0 * ? * * *)"}


def test_dev_realtime_override_turns_on_capture_and_monitoring(plan_with):
    result = plan_served("fraud-dev", {"mlops:inference": {"sagemaker": {"mode": "realtime"}}})
    assert result.one(CONFIG).inputs["dataCaptureConfig"]["enableCapture"] is True
    assert result.one(MODEL).inputs["enableNetworkIsolation"] is True
    assert len(result.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")) == 1


def test_no_model_means_no_endpoint_but_retraining(plan_with):
    result = plan_with("fraud-dev", {"mlops:inference": {"model": None}})  # the shipped default
    assert result.of_type(ENDPOINT) == []
    assert len(result.of_type("aws:sagemaker/pipeline:Pipeline")) == 1
