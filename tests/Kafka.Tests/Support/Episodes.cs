using StreamJepa.Core.Results;

namespace StreamJepa.Kafka.Tests.Support;

internal static class Episodes
{
    public static AnomalyEpisode Make(string stream, long id, string state = "opened", long modelVersion = 3) =>
        new(stream, $"00000000-0000-7000-8000-{id:D12}", id, state, 10 * id, state == "closed" ? (10 * id) + 5 : null, 400.0 * id, state == "closed" ? (400.0 * id) + 200 : null,
            5, 6.5, [new EpisodeLevel(1, 6.5, 5.1), new EpisodeLevel(2, 3.2, 2.0)], [1],
            [new SpatialCell(2, 3, 0.375, 0.25, 0.125, 0.125, 0.9)], modelVersion)
        {
            PeakFrame = (10 * id) + 2,
            StartUtc = DateTimeOffset.UnixEpoch.AddSeconds(id),
            PeakUtc = DateTimeOffset.UnixEpoch.AddSeconds(id).AddMilliseconds(80),
        };
}
