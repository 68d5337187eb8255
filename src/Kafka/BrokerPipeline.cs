using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka;

/// <summary>
/// The "kafka-broker" resilience pipeline, built once per publisher: a circuit breaker around handing messages to
/// the producer. While it is open no new message goes to a broker that is away; they wait in the outboxes.
/// </summary>
internal static class BrokerPipeline
{
    public const string Name = "kafka-broker";

    public static ResiliencePipeline Build(BreakerOptions options, CircuitBreakerStateProvider state, TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { Name = Name, TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = Name,
                ShouldHandle = new PredicateBuilder().Handle<BrokerUnavailableException>(),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.SamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
                StateProvider = state,
                OnOpened = args =>
                {
                    logger.LogWarning("kafka circuit opened for {Seconds:F1}s: {Reason}", args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogInformation("kafka circuit half-open: trying the broker again");
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("kafka circuit closed: the broker is taking messages");
                    return default;
                },
            })
            .Build();
}
