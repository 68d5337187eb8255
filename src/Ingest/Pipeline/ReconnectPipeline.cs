using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>The resilience pipeline of one live source: opening it is retried with jittered exponential backoff.</summary>
internal static class ReconnectPipeline
{
    public static ResiliencePipeline Build(ReconnectOptions options, StreamStats stats, TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SourceException>(ex => ex.Transient),
                MaxRetryAttempts = options.MaxAttempts == 0 ? int.MaxValue : options.MaxAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.InitialDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(options.MaxDelayMs),
                OnRetry = args =>
                {
                    var message = args.Outcome.Exception?.Message ?? "open failed";
                    stats.OnError(message);
                    stats.SetStatus(StreamStatus.Reconnecting);
                    logger.LogWarning("{Message}; retry {Attempt} in {Delay:0.0} s", message, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                    return default;
                },
            })
            .Build();
}
