using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The run as the web view shows it, taken once a <c>period</c> however many pages watch: the JSON of the latest
/// take, numbered, and a wait for the next one (the server-sent events of <c>/api/events</c>).
/// </summary>
internal sealed class LiveState : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Func<object> _take;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private (long Version, string Json) _current;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="take">Makes the state to show (called on a timer thread); serialised as JSON.</param>
    /// <param name="time">The clock of the timer.</param>
    /// <param name="period">How often the state is taken.</param>
    /// <param name="logger">Where a failed take is reported (the previous state stays).</param>
    public LiveState(Func<object> take, TimeProvider time, TimeSpan period, ILogger logger)
    {
        _take = take;
        _logger = logger;
        _current = (1, JsonSerializer.Serialize(take(), Json));
        _timer = time.CreateTimer(_ => Tick(), null, period, period);
    }

    /// <summary>The latest take and its number.</summary>
    public (long Version, string Json) Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The first take numbered above <paramref name="after"/>, waiting for it when needed.</summary>
    public async Task<(long Version, string Json)> NextAsync(long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_current.Version > after)
                {
                    return _current;
                }

                next = _next.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(_take(), Json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or JsonException)
        {
            _logger.LogWarning("web view: the run's state could not be taken: {Message}", ex.Message);
            return;
        }

        TaskCompletionSource done;
        lock (_gate)
        {
            _current = (_current.Version + 1, json);
            done = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }
}
