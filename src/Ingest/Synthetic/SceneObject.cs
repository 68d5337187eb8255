using OpenCvSharp;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>A moving object of a synthetic scene: it walks along a lane, bobbing, and wraps around the edges.</summary>
internal sealed class SceneObject
{
    public required double StartX { get; init; }

    public required double LaneY { get; init; }

    /// <summary>Pixels per frame along the lane (sign gives the direction).</summary>
    public required double Speed { get; init; }

    public required int Radius { get; init; }

    public required Scalar Color { get; init; }

    public required bool Square { get; init; }

    public required double BobAmplitude { get; init; }

    public required double BobPeriod { get; init; }

    /// <summary>The object's own clock: advances 1 per frame normally, faster or backwards during anomalies.</summary>
    public double Clock { get; set; }

    public Point Position(int width)
    {
        var span = width + (4.0 * Radius);
        var x = (((StartX + (Speed * Clock)) % span) + span) % span;
        var y = LaneY + (BobAmplitude * Math.Sin(2 * Math.PI * Clock / BobPeriod));
        return new Point((int)Math.Round(x - (2.0 * Radius)), (int)Math.Round(y));
    }

    public void Draw(Mat canvas)
    {
        var p = Position(canvas.Width);
        if (Square)
        {
            Cv2.Rectangle(canvas, new Rect(p.X - Radius, p.Y - Radius, 2 * Radius, 2 * Radius), Color, -1, LineTypes.AntiAlias);
        }
        else
        {
            Cv2.Circle(canvas, p, Radius, Color, -1, LineTypes.AntiAlias);
        }
    }
}
