using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Benchmarks;

/// <summary>
/// The HTTP endpoint under hostile clients: rounds of requests that are empty, huge, binary, malformed, stalled,
/// unauthorised or adding and removing sources, sent concurrently, with <c>/healthz</c> timed throughout. Reports the
/// answers by status, the health probe's latency next to its latency on an idle endpoint (the baseline), and the
/// process's resident memory before and after.
/// </summary>
public sealed class HttpAbuseBenchmark(TextWriter output, StartEndpoint startEndpoint)
{
    private const string Token = "benchmark-token-0123456789";

    private static readonly string[] Bodies = ["", "   ", "\u0001\u0002", "=", "#realtime=true", "x=ftp://nowhere/clip", "cam=synthetic:frames=2&width=32&height=32"];

    public async Task RunAsync(int requests, int concurrency, CancellationToken cancellationToken)
    {
        using var ingest = new IngestPipeline(new IngestOptions { Width = 32, Height = 32 }, new ActionBlock<Frame>(f => f.Dispose()), TimeProvider.System, NullLoggerFactory.Instance);
        var port = FreePort();
        var options = new MetricsOptions { Listen = $"127.0.0.1:{port}", Token = Token };
        await using var server = await startEndpoint(options, ingest).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"port {port} could not be taken");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.Token);

        var idle = await HealthLatenciesAsync(http, 200, cancellationToken).ConfigureAwait(false);
        var before = ResidentMegabytes();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var probing = new CancellationTokenSource();
        var underLoad = HealthLatenciesAsync(http, int.MaxValue, probing.Token);
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var status = await HostileAsync(http, port, i, token).ConfigureAwait(false);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        }).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        await probing.CancelAsync().ConfigureAwait(false);
        var loaded = await underLoad.ConfigureAwait(false);
        GC.Collect();
        var after = ResidentMegabytes();
        var listed = (await http.GetStringAsync(new Uri("sources", UriKind.Relative), cancellationToken).ConfigureAwait(false)).Length;

        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"{requests} hostile requests, {concurrency} at a time, in {elapsed.TotalSeconds:0.0} s; answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} ×{s.Value}"))}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"/healthz latency, idle endpoint (baseline): p50 {Percentile(idle, 0.5):0.0} ms, p99 {Percentile(idle, 0.99):0.0} ms ({idle.Count} probes, all 200)")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"/healthz latency, under the hostile load: p50 {Percentile(loaded, 0.5):0.0} ms, p99 {Percentile(loaded, 0.99):0.0} ms, max {loaded.DefaultIfEmpty(0).Max():0.0} ms ({loaded.Count} probes, all 200)")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"resident memory: {before:0} MB before, {after:0} MB after; /sources listing {listed} bytes with {ingest.Streams.Count} streams kept")).ConfigureAwait(false);
    }

    /// <summary>One hostile request of the kind <paramref name="i"/> picks; returns its outcome.</summary>
    private static async Task<string> HostileAsync(HttpClient http, int port, int i, CancellationToken token)
    {
        try
        {
            switch (i % 6)
            {
                case 0:
                    return Status(await http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent(Bodies[i / 6 % Bodies.Length]), token).ConfigureAwait(false));
                case 1:
                    return await RawAsync(port, $"POST /sources HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Token}\r\nContent-Length: 209715200\r\n\r\n", 64 * 1024, token).ConfigureAwait(false);
                case 2:
                    return Status(await http.PostAsync(new Uri("sources", UriKind.Relative), new ByteArrayContent(RandomBytes(i, 4096)), token).ConfigureAwait(false));
                case 3:
                    using (var unauthorised = new HttpRequestMessage(HttpMethod.Delete, new Uri($"sources/cam-{i}", UriKind.Relative)))
                    {
                        unauthorised.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");
                        return Status(await http.SendAsync(unauthorised, token).ConfigureAwait(false));
                    }

                case 4:
                    return await RawAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n" + new string('X', 20_000) + "\r\n\r\n", 0, token).ConfigureAwait(false);
                default:
                    return Status(await http.DeleteAsync(new Uri($"sources/{Uri.EscapeDataString(new string((char)('a' + (i % 26)), 300))}", UriKind.Relative), token).ConfigureAwait(false));
            }
        }
        catch (HttpRequestException ex)
        {
            return $"connection closed ({ex.HttpRequestError})";
        }
    }

    private static async Task<string> RawAsync(int port, string head, int extraBytes, CancellationToken token)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, token).ConfigureAwait(false);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), token).ConfigureAwait(false);
            await stream.WriteAsync(new byte[extraBytes], token).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the server answered and closed before the body was sent: the answer is still there to read
        }

        var answer = new byte[16];
        var read = await stream.ReadAsync(answer, token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), token).ConfigureAwait(false);
        var line = System.Text.Encoding.ASCII.GetString(answer, 0, read);
        return line.Length >= 12 ? line[9..12] : "connection closed";
    }

    private static async Task<List<double>> HealthLatenciesAsync(HttpClient http, int count, CancellationToken token)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count && !token.IsCancellationRequested; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative), CancellationToken.None).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"/healthz answered {(int)response.StatusCode} under load");
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }

        return latencies;
    }

    private static string Status(HttpResponseMessage response)
    {
        using (response)
        {
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static double Percentile(List<double> values, double p) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(p * values.Count)));

    private static double ResidentMegabytes() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
