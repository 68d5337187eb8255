using System.Net;
using System.Net.Sockets;

namespace StreamJepa.Host.Tests;

/// <summary>Loopback HTTP helpers for tests that talk to a run's endpoint.</summary>
internal static class LocalHttp
{
    /// <summary>A TCP port free on loopback right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The body at <paramref name="path"/>, or empty while the endpoint does not answer.</summary>
    public static async Task<string> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(new Uri(path, UriKind.Relative));
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }
}
