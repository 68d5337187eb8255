using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Tests;

public sealed class KafkaClientConfigTests
{
    [Fact]
    public void Pass_through_properties_reach_the_client_and_env_values_come_from_the_environment()
    {
        Environment.SetEnvironmentVariable("SJ_TEST_KAFKA_PASSWORD", "s3cret-from-env");
        var options = new KafkaOptions
        {
            Properties = new Dictionary<string, string>
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "PLAIN",
                ["sasl.username"] = "svc",
                ["sasl.password"] = "env:SJ_TEST_KAFKA_PASSWORD",
                ["ssl.ca.location"] = "/etc/ssl/ca.pem",
            },
        };

        var config = KafkaClientConfig.Producer(options, "broker:9093");

        Assert.Equal("s3cret-from-env", config.Get("sasl.password"));
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
        Assert.Equal("/etc/ssl/ca.pem", config.Get("ssl.ca.location"));
        Assert.Equal("True", config.Get("enable.idempotence"));
        Assert.Equal("-1", config.Get("acks"));
    }

    [Fact]
    public void Descriptions_for_logs_never_contain_secret_values()
    {
        var options = new KafkaOptions
        {
            Properties = new Dictionary<string, string>
            {
                ["sasl.password"] = "hunter2",
                ["ssl.key.password"] = "hunter3",
                ["sasl.oauthbearer.client.secret"] = "hunter4",
                ["sasl.username"] = "svc",
                ["security.protocol"] = "SASL_SSL",
                ["sasl.pasword"] = "hunter5",                        // misspelt: librdkafka refuses it later, the log must not show it
            },
        };
        var config = new Confluent.Kafka.ProducerConfig(options.Properties.ToDictionary());

        var text = KafkaClientConfig.Describe(config, options);

        Assert.DoesNotContain("hunter", text, StringComparison.Ordinal);
        Assert.Contains("sasl.password=***", text, StringComparison.Ordinal);
        Assert.Contains("sasl.pasword=***", text, StringComparison.Ordinal);
        Assert.Contains("sasl.username=svc", text, StringComparison.Ordinal);
        Assert.Contains("security.protocol=SASL_SSL", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptions_for_logs_never_contain_values_read_from_the_environment()
    {
        Environment.SetEnvironmentVariable("SJ_TEST_KAFKA_SECRET", "hunter6");
        try
        {
            var options = new KafkaOptions { Properties = new Dictionary<string, string> { ["sasl.oauthbearer.extensions"] = "env:SJ_TEST_KAFKA_SECRET" } };

            var text = KafkaClientConfig.Describe(KafkaClientConfig.Producer(options, "broker:9093"), options);

            Assert.DoesNotContain("hunter6", text, StringComparison.Ordinal);
            Assert.Contains("sasl.oauthbearer.extensions=***", text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SJ_TEST_KAFKA_SECRET", null);
        }
    }
}
