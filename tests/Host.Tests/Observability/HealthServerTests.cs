using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using StreamJepa.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Host.Observability;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Tests.Observability;

/// <summary>The HTTP endpoint against clients that send what they should not.</summary>
public sealed class HealthServerTests : IAsyncLifetime
{
    private const string Token = "a-token-of-24-characters";
    private readonly ActionBlock<Frame> _sink = new(frame => frame.Dispose());
    private IngestPipeline _ingest = null!;
    private HealthServer _open = null!;
    private HealthServer _guarded = null!;
    private HttpClient _http = null!;
    private HttpClient _guardedHttp = null!;

    public async Task InitializeAsync()
    {
        _ingest = new IngestPipeline(new IngestOptions { Width = 32, Height = 32 }, _sink, TimeProvider.System, NullLoggerFactory.Instance, directory: new StreamDirectory(TimeProvider.System) { KeepFinished = 4 });
        (_open, _http) = await StartAsync(null);
        (_guarded, _guardedHttp) = await StartAsync(Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _guardedHttp.Dispose();
        await _open.DisposeAsync();
        await _guarded.DisposeAsync();
        _ingest.Stop();
        _ingest.Dispose();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("cam=synthetic\u007f")]
    [InlineData("cam=\u0001synthetic")]
    [InlineData("#realtime=true")]
    public async Task A_body_that_is_not_a_source_is_refused_and_the_endpoint_goes_on(string body)
    {
        var response = await _http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode);
        Assert.Equal("[]", await _http.GetStringAsync(new Uri("sources", UriKind.Relative)));
    }

    [Fact]
    public async Task A_huge_body_is_refused_without_being_read()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _http.BaseAddress!.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("POST /sources HTTP/1.1\r\nHost: x\r\nContent-Length: 209715200\r\n\r\n"u8.ToArray());
        await stream.WriteAsync(new byte[64 * 1024]);

        var answer = new byte[64];
        var read = await stream.ReadAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", System.Text.Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_request_does_not_hold_up_the_others()
    {
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, _http.BaseAddress!.Port);
        await stalled.GetStream().WriteAsync("POST /sources HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ncam="u8.ToArray());

        var started = DateTime.UtcNow;
        var health = await _http.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "healthz waited for the stalled client");
    }

    [Fact]
    public async Task With_a_token_sources_need_it_and_probes_do_not()
    {
        var without = await _guardedHttp.PostAsync(new Uri("sources", UriKind.Relative), new StringContent("cam=synthetic:frames=5"));
        var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("sources", UriKind.Relative)) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token-at-all-no") } };
        var right = new HttpRequestMessage(HttpMethod.Get, new Uri("sources", UriKind.Relative)) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _guardedHttp.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _guardedHttp.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _guardedHttp.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _guardedHttp.GetAsync(new Uri("metrics", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Finished_sources_are_forgotten_beyond_the_last_few_so_listings_stay_bounded()
    {
        for (var i = 0; i < 12; i++)
        {
            var added = await _http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent($"s{i}=synthetic:frames=3&width=32&height=32"));
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_ingest.Streams.Any(s => !s.Finished))
        {
            Assert.True(DateTime.UtcNow < deadline, "the three-frame sources did not end");
            await Task.Delay(50);
        }

        await _http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent("last=synthetic:frames=3&width=32&height=32"));

        Assert.True(_ingest.Streams.Count <= 5, $"{_ingest.Streams.Count} streams listed");
        Assert.Contains(_ingest.Streams, s => s.StreamId == "last");
    }

    private async Task<(HealthServer Server, HttpClient Http)> StartAsync(string? token)
    {
        var port = LocalHttp.FreePort();
        var options = new MetricsOptions { Listen = $"127.0.0.1:{port}", Token = token };
        var server = await HealthServer.TryStartAsync(options, Metrics.NewCustomRegistry(), () => (true, "ok"), () => (true, "ready"), new SourceControl(_ingest), NullLogger.Instance);
        Assert.NotNull(server);
        return (server, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) });
    }
}
