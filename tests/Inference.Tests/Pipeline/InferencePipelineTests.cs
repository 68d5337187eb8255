using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Inference.Tests.Engine;

namespace StreamJepa.Inference.Tests.Pipeline;

public sealed class InferencePipelineTests
{
    [Fact]
    public async Task Promoted_weights_serve_once_scored_in_shadow_and_the_stream_never_goes_blind()
    {
        var (scores, served) = await ScoreAsync(120, i => i == 40 ? 2 : null);

        var ordered = scores.OrderBy(s => s.Frame).ToList();
        var first = ordered.FindIndex(s => s.ModelVersion == 2);
        Assert.True(first > 0, "version 2 never served");
        Assert.All(ordered[first..], s => Assert.Equal(2, s.ModelVersion));
        Assert.All(ordered.Where(s => s.Frame >= 20), s => Assert.False(s.WarmingUp, $"frame {s.Frame} (version {s.ModelVersion}) was warming up"));
        Assert.Equal(2, served);
    }

    [Fact]
    public async Task Weights_promoted_faster_than_baselines_fill_still_come_to_serve()
    {
        // A new version every 4 frames from frame 20 to 80.
        var (scores, _) = await ScoreAsync(150, i => i is >= 20 and <= 80 && i % 4 == 0 ? 2 + ((i - 20) / 4) : null);

        var versions = scores.OrderBy(s => s.Frame).Select(s => s.ModelVersion).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.True(versions.Distinct().Count() >= 3, $"served versions {string.Join(", ", versions.Distinct())}");
        Assert.All(scores.Where(s => s.Frame >= 20), s => Assert.False(s.WarmingUp, $"frame {s.Frame} (version {s.ModelVersion}) was warming up"));
    }

    /// <summary>
    /// Scores <paramref name="frames"/> frames of one stream, promoting new weights with the version
    /// <paramref name="promote"/> gives before a frame; returns the scores and the version served at the end.
    /// </summary>
    private static async Task<(IReadOnlyCollection<FrameScore> Scores, long Served)> ScoreAsync(int frames, Func<int, long?> promote)
    {
        using var engine = EngineFixture.Engine(maxBatch: 4);
        var sink = new Collected();
        // The plain z-score: with fresh weights and a tail the stream would warm up for its tail's first 1,000 frames.
        var scoring = new ScoringOptions { MinSamples = 10, TailRisk = 0 };
        await using var pipeline = new InferencePipeline(engine, new InferenceOptions { MaxBatch = 4 }, scoring, [], [sink], TimeProvider.System, NullLogger.Instance);
        for (var i = 0; i < frames; i++)
        {
            if (promote(i) is { } version)
            {
                pipeline.Promote(EngineFixture.Model(seed: (int)version), version);    // drawn under the fixture's lock, as every test's weights are
            }

            Assert.True(await pipeline.Input.SendAsync(EngineFixture.Frame("a", i)));
        }

        await pipeline.CompleteAsync(CancellationToken.None);
        return (sink.Scores, pipeline.ModelVersion);
    }

    private sealed class Collected : IResultSink
    {
        public ConcurrentBag<FrameScore> Scores { get; } = [];

        public bool WantsEmbeddings => false;

        public void OnScore(FrameScore score) => Scores.Add(score);

        public void OnGap(FrameGap gap)
        {
        }

        public void OnEmbedding(Embedding embedding)
        {
        }

        public void OnEpisode(AnomalyEpisode episode)
        {
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
