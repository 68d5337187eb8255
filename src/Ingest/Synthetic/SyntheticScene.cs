using OpenCvSharp;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>
/// Renders a seeded, deterministic scene frame by frame: objects moving along lanes over a textured background,
/// with per-frame sensor noise and the scheduled anomalies of <see cref="AnomalySchedule"/>.
/// Frames must be rendered in order (objects integrate their own clocks).
/// </summary>
public sealed class SyntheticScene : IDisposable
{
    private const double FastFactor = 4.0;
    private const double FlashGain = 110;

    private readonly SyntheticSceneOptions _options;
    private readonly AnomalySchedule _schedule;
    private readonly Mat _background;
    private readonly Mat _noise;
    private readonly Mat _lastNormal;
    private readonly List<SceneObject> _objects;
    private long _next;

    public SyntheticScene(SyntheticSceneOptions options)
    {
        _options = options;
        _schedule = new AnomalySchedule(options);
        var rng = new Random(options.Seed);
        _background = SceneBackground.Render(options.Width, options.Height, options.Seed);
        _noise = new Mat(options.Height, options.Width, MatType.CV_16SC3);
        _lastNormal = new Mat(options.Height, options.Width, MatType.CV_8UC3, Scalar.All(0));
        _objects = [.. Enumerable.Range(0, options.Objects).Select(i => CreateObject(rng, i))];
    }

    public SyntheticSceneOptions Options => _options;

    public AnomalySchedule Schedule => _schedule;

    /// <summary>Index of the next frame <see cref="Render"/> draws.</summary>
    public long NextFrame => _next;

    public bool Finished => _options.Frames > 0 && _next >= _options.Frames;

    public SceneTruth Truth() =>
        new(_options, _options.Frames > 0 ? _schedule.Until(_options.Frames) : []);

    /// <summary>Draws the next frame into <paramref name="frame"/> (8-bit BGR) and returns its index.</summary>
    public long Render(Mat frame)
    {
        var index = _next++;
        var anomaly = _schedule.At(index);
        AdvanceClocks(anomaly);

        if (anomaly?.Kind == SceneAnomalyKind.Freeze)
        {
            _lastNormal.CopyTo(frame);
            return index;
        }

        _background.CopyTo(frame);
        foreach (var obj in _objects)
        {
            obj.Draw(frame);
        }

        if (anomaly?.Kind == SceneAnomalyKind.Appear)
        {
            DrawIntruder(frame, anomaly);
        }

        AddNoise(frame, index);

        if (anomaly?.Kind == SceneAnomalyKind.Flash)
        {
            Cv2.Add(frame, Scalar.All(FlashGain), frame);
        }
        else
        {
            frame.CopyTo(_lastNormal);
        }

        return index;
    }

    public void Dispose()
    {
        _background.Dispose();
        _noise.Dispose();
        _lastNormal.Dispose();
    }

    private void AdvanceClocks(SceneAnomaly? anomaly)
    {
        if (anomaly?.Kind == SceneAnomalyKind.Freeze)
        {
            return;
        }

        for (var i = 0; i < _objects.Count; i++)
        {
            var rate = anomaly?.ObjectIndex == i
                ? anomaly.Kind switch
                {
                    SceneAnomalyKind.WrongSpeed => FastFactor,
                    SceneAnomalyKind.WrongDirection => -1.0,
                    _ => 1.0,
                }
                : 1.0;
            _objects[i].Clock += rate;
        }
    }

    private void DrawIntruder(Mat frame, SceneAnomaly anomaly)
    {
        var rng = new Random(unchecked((_options.Seed * 31) + (int)anomaly.StartFrame));
        var size = Math.Max(8, Math.Min(_options.Width, _options.Height) / 6);
        var x = rng.Next(_options.Width / 4, (3 * _options.Width / 4) - size);
        var y = rng.Next(_options.Height / 4, (3 * _options.Height / 4) - size);
        var pts = new[] { new Point(x + (size / 2), y), new Point(x + size, y + size), new Point(x, y + size) };
        Cv2.FillConvexPoly(frame, pts, new Scalar(20, 220, 240), LineTypes.AntiAlias);
    }

    private void AddNoise(Mat frame, long index)
    {
        if (_options.Noise <= 0)
        {
            return;
        }

        var rng = new RNG(unchecked((ulong)((_options.Seed * 1_000_003L) + index + 1)));
        rng.Fill(_noise, DistributionType.Normal, InputArray.Create(new Scalar(0, 0, 0)), InputArray.Create(Scalar.All(_options.Noise)));
        Cv2.Add(frame, _noise, frame, null, MatType.CV_8U);
    }

    private SceneObject CreateObject(Random rng, int i)
    {
        var w = _options.Width;
        var h = _options.Height;
        var scale = Math.Min(w, h) / 240.0;
        var laneCount = Math.Max(1, _options.Objects);
        var lane = (h * 0.15) + ((h * 0.7) * (i + 0.5) / laneCount);
        var speed = (1.5 + (rng.NextDouble() * 3.0)) * scale * (rng.Next(2) == 0 ? 1 : -1);
        return new SceneObject
        {
            StartX = rng.NextDouble() * w,
            LaneY = lane,
            Speed = speed,
            Radius = (int)Math.Max(3, (6 + rng.Next(8)) * scale),
            Color = new Scalar(40 + rng.Next(200), 40 + rng.Next(200), 40 + rng.Next(200)),
            Square = rng.Next(2) == 0,
            BobAmplitude = rng.NextDouble() * 4 * scale,
            BobPeriod = 12 + rng.Next(20),
        };
    }
}
