using StreamJepa.Core.Configuration;
using StreamJepa.Inference.Configuration;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Configuration.Tests;

public sealed class KafkaOptionsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void A_secret_read_from_an_unset_environment_variable_stops_start_up_naming_the_key()
    {
        File.WriteAllText(_file, """{ "kafka": { "properties": { "sasl.password": "env:SJ_TEST_UNSET_VARIABLE" } } }""");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_file, [], new Dictionary<string, string>()));

        Assert.Contains("kafka.properties.sasl.password", error.Message, StringComparison.Ordinal);
        Assert.Contains("SJ_TEST_UNSET_VARIABLE is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_the_delivery_guarantees_rest_on_cannot_be_overridden()
    {
        File.WriteAllText(_file, """{ "kafka": { "properties": { "enable.idempotence": "false", "message.timeout.ms": "3000" } } }""");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_file, [], new Dictionary<string, string>()));

        Assert.Contains("kafka.properties.enable.idempotence", error.Message, StringComparison.Ordinal);
        Assert.Contains("kafka.properties.message.timeout.ms", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kafka.anomalies.overflow=dropOldest", "kafka.anomalies.overflow")]
    [InlineData("kafka.embeddings.topic=bad topic!", "kafka.embeddings.topic")]
    [InlineData("kafka.compression=brotli", "kafka.compression")]
    [InlineData("kafka.embeddings.queueCapacity=0", "kafka.embeddings.queueCapacity")]
    [InlineData("kafka.breaker.breakSeconds=0", "kafka.breaker.breakSeconds")]
    [InlineData("kafka.models.follow=true", "kafka.models.follow")]
    [InlineData("kafka.models.chunkBytes=100", "kafka.models.chunkBytes")]
    [InlineData("kafka.models.topic=", "kafka.models.topic")]
    public void Impossible_values_name_their_key(string assignment, string key)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment], new Dictionary<string, string>()));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overriding_one_key_of_a_topic_keeps_that_topics_other_defaults()
    {
        var options = ConfigLoader.Load(null, ["kafka.scores.enabled=true", "kafka.anomalies.topic=alerts"], new Dictionary<string, string>());

        Assert.Equal(("streamjepa.scores", true), (options.Kafka.Scores.Topic, options.Kafka.Scores.Enabled));
        Assert.Equal(("alerts", OverflowPolicy.Spool, 0), (options.Kafka.Anomalies.Topic, options.Kafka.Anomalies.Overflow, options.Kafka.Anomalies.QueueCapacity));
        Assert.Equal(OverflowPolicy.DropOldest, options.Kafka.Embeddings.Overflow);
    }

    [Fact]
    public void Sinks_are_chosen_in_configuration_and_an_unknown_one_is_refused()
    {
        var options = ConfigLoader.Load(null, ["output.sinks=[\"console\"]"], new Dictionary<string, string>());
        Assert.Equal([SinkKind.Console], options.Output.Sinks);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["output.sinks=[\"printer\"]"], new Dictionary<string, string>()));
        Assert.Contains("output.sinks", error.Message, StringComparison.Ordinal);
    }
}
