using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamJepa.Host.Tests.Observability;

/// <summary>
/// Debian's Chromium, headless, driven through ChromeDriver's WebDriver protocol (scripts/setup.sh installs both):
/// a page is loaded, its scripts run, and the test asks the live DOM what it needs.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    private readonly Process _driver;
    private readonly HttpClient _http;
    private readonly string _session;

    private Chromium(Process driver, HttpClient http, string session)
    {
        _driver = driver;
        _http = http;
        _session = session;
    }

    /// <summary>Starts ChromeDriver and a headless Chromium session with a 1280×1000 window.</summary>
    public static async Task<Chromium> StartAsync()
    {
        Assert.True(File.Exists(Browser) && File.Exists(Driver), $"{Browser} or {Driver} is missing: scripts/setup.sh --tests installs Debian's chromium and chromium-driver");
        var port = LocalHttp.FreePort();
        var driver = Process.Start(new ProcessStartInfo(Driver, [$"--port={port}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _ = driver.StandardOutput.ReadToEndAsync();
        _ = driver.StandardError.ReadToEndAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await LocalHttp.TryGetAsync(http, "status")).Contains("\"ready\":true", StringComparison.Ordinal) is false)
            {
                Assert.True(DateTime.UtcNow < deadline, "chromedriver did not start within 20 s");
                await Task.Delay(100);
            }

            string[] args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1280,1000",
            ];
            var capabilities = new { capabilities = new { alwaysMatch = new Dictionary<string, object> { ["browserName"] = "chrome", ["goog:chromeOptions"] = new { binary = Browser, args } } } };
            var created = await Call(http, HttpMethod.Post, "session", capabilities);
            return new Chromium(driver, http, created?["sessionId"]?.GetValue<string>() ?? throw new InvalidOperationException("chromedriver gave no session id"));
        }
        catch
        {
            driver.Kill(entireProcessTree: true);
            http.Dispose();
            throw;
        }
    }

    public Task OpenAsync(string url) => Call(_http, HttpMethod.Post, $"session/{_session}/url", new { url });

    /// <summary>Waits until the page has an element matching <paramref name="selector"/>; false when none came within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(string selector, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = await Call(_http, HttpMethod.Post, $"session/{_session}/execute/sync", new { script = "return document.querySelectorAll(arguments[0]).length;", args = new[] { selector } });
            if (found is JsonValue count && count.GetValue<int>() > 0)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>The page's DOM as it stands.</summary>
    public async Task<string> SourceAsync() => (await Call(_http, HttpMethod.Get, $"session/{_session}/source", null))!.GetValue<string>();

    /// <summary>Saves what the window shows as a PNG at <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path) =>
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((await Call(_http, HttpMethod.Get, $"session/{_session}/screenshot", null))!.GetValue<string>()));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Call(_http, HttpMethod.Delete, $"session/{_session}", null);
        }
        finally
        {
            _driver.Kill(entireProcessTree: true);
            await _driver.WaitForExitAsync();
            _driver.Dispose();
            _http.Dispose();
        }
    }

    /// <summary>One WebDriver command; its <c>value</c>, or a failed assertion with the driver's error.</summary>
    private static async Task<JsonNode?> Call(HttpClient http, HttpMethod method, string path, object? body)
    {
        // A body with its length: ChromeDriver does not read chunked requests.
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.IsSuccessStatusCode, $"WebDriver {method} {path}: {json?.ToJsonString(new JsonSerializerOptions { WriteIndented = false })}");
        return json?["value"];
    }
}
