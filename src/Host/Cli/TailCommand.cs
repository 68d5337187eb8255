using System.CommandLine;
using Confluent.Kafka;
using StreamJepa.Kafka;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa tail</c>: prints a topic's messages readably (embeddings decoded, anomalies summarised).</summary>
internal static class TailCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Configuration whose kafka section (bootstrap servers, security properties) to use." };
        var bootstrap = new Option<string?>("--bootstrap", "-b") { Description = "host:port of a broker (overrides kafka.bootstrapServers); `run` prints the embedded broker's." };
        var topic = new Option<string>("--topic", "-t") { Description = "Topic to read, e.g. streamjepa.anomalies.", Required = true };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest message (default: only new ones)." };
        var max = new Option<int?>("--max") { Description = "Exit after this many messages." };
        var idle = new Option<double?>("--idle-exit") { Description = "Exit when no message arrives for this many seconds." };
        var command = new Command("tail", "Print the messages of a StreamJepa topic as they arrive, decoded, until Ctrl+C.")
        {
            config, bootstrap, topic, fromBeginning, max, idle,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await ConfigOptions.LoadKafkaAsync(parse.GetValue(config), parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } kafka)
            {
                return ExitCodes.InvalidConfiguration;
            }

            var servers = parse.GetValue(bootstrap) ?? kafka.BootstrapServers;
            if (servers is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--bootstrap: no broker given (and kafka.bootstrapServers is not set); `streamjepa run` prints its embedded broker's address").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            var consumerConfig = KafkaClientConfig.Consumer(kafka, servers, $"streamjepa-tail-{Guid.NewGuid():N}");
            consumerConfig.AutoOffsetReset = parse.GetValue(fromBeginning) ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest;
            consumerConfig.EnableAutoCommit = false;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return await Task.Run(() => Tail(consumerConfig, parse.GetValue(topic)!, parse.GetValue(max), parse.GetValue(idle), output, error, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        });
        return command;
    }

    private static int Tail(ConsumerConfig config, string topic, int? max, double? idleExit, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var reported = new HashSet<ErrorCode>();
        void OnError(Error e)
        {
            // librdkafka repeats connection errors on every retry: each kind is reported once.
            lock (reported)
            {
                if (reported.Add(e.Code))
                {
                    error.WriteLine($"kafka: {e.Code}: {e.Reason} (retrying)");
                }
            }
        }

        try
        {
            TopicReader.Read(
                config,
                topic,
                result =>
                {
                    output.WriteLine(MessageFormatter.Format(result));
                    output.Flush();
                },
                OnError,
                max,
                idleExit is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                cancellationToken);
            return ExitCodes.Ok;
        }
        catch (ConsumeException ex)
        {
            error.WriteLine($"kafka: {ex.Error.Code}: {ex.Error.Reason}");
            return ExitCodes.Error;
        }
    }
}
