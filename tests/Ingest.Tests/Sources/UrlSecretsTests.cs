using StreamJepa.Ingest.Sources;

namespace StreamJepa.Ingest.Tests.Sources;

public sealed class UrlSecretsTests
{
    [Theory]
    [InlineData("rtsp://admin:s3cret@cam.local:554/1", "rtsp://admin:***@cam.local:554/1")]
    [InlineData("rtsp://admin:p@ss@cam.local/1", "rtsp://admin:***@cam.local/1")]
    [InlineData("https://ghp_TOKEN123@example.com/live.m3u8", "https://***@example.com/live.m3u8")]
    [InlineData("http://cam.local/video?user=bob&password=hunter2&fps=5", "http://cam.local/video?user=bob&password=***&fps=5")]
    [InlineData("http://cam.local/video?TOKEN=abc#x", "http://cam.local/video?TOKEN=***#x")]
    [InlineData("rtsp://cam.local/1", "rtsp://cam.local/1")]
    [InlineData("http://cam.local/a@b", "http://cam.local/a@b")]
    [InlineData("data/samples/vtest.avi", "data/samples/vtest.avi")]
    public void Redact_HidesEverySecretAndNothingElse(string target, string shown) =>
        Assert.Equal(shown, UrlSecrets.Redact(target));

    [Fact]
    public void Scrub_HidesTheSecretsInMessagesThatEchoTheUrl_DecodedOrNot()
    {
        const string url = "rtsp://admin:p%40ss@cam.local/1?token=t0k";
        var message = $"{url}: 401 Unauthorized (user admin, password p@ss, tried p%40ss, token t0k)";

        var scrubbed = UrlSecrets.Scrub(url, message);

        Assert.DoesNotContain("p@ss", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("p%40ss", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k", scrubbed, StringComparison.Ordinal);
        Assert.Contains("rtsp://admin:***@cam.local/1?token=***", scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rtsp://admin:s3cret@cam.local/stream1", "stream1")]
    [InlineData("https://TOKEN@cam.local", "cam")]
    [InlineData("rtsp://admin:s3cret@cam.local:554", "rtsp://cam.local:554")]
    public void UrlNames_NeverCarryTheUserInfo(string url, string id)
    {
        var source = SourceParser.Describe(new StreamJepa.Ingest.Configuration.SourceOptions { Uri = url }, realtimeByDefault: false);

        Assert.Equal(id, source.Id);
    }
}
