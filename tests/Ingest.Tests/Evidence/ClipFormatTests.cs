using OpenCvSharp;
using StreamJepa.Ingest.Evidence;

namespace StreamJepa.Ingest.Tests.Evidence;

public sealed class ClipFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-clip").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Formats => new("h264", "mjpeg");

    [Theory]
    [MemberData(nameof(Formats))]
    public void Each_format_writes_a_clip_of_every_frame_that_decodes(string name)
    {
        var format = name == "h264" ? ClipFormat.H264 : ClipFormat.MotionJpeg;
        var path = Path.Combine(_dir, "clip" + format.Extension);
        var frames = Enumerable.Range(0, 12).Select(i =>
        {
            using var picture = new Mat(72, 98, MatType.CV_8UC3, Scalar.All(20 * i));  // an odd-sized picture: H.264 wants even sides
            return new EvidenceFrame(i, i * 200.0, picture.ImEncode(".jpg"), 98, 72);
        }).ToList();

        format.Write(path, frames, fps: 5);

        using var clip = new VideoCapture(path);
        using var frame = new Mat();
        var count = 0;
        while (clip.Read(frame) && !frame.Empty())
        {
            count++;
        }

        Assert.Equal(12, count);
    }

    [Fact]
    public void The_probe_finds_h264_where_ffmpeg_has_libx264()
    {
        Assert.Equal(ClipFormat.H264, ClipFormat.Probe());   // scripts/setup.sh installs Debian's ffmpeg, which has it
    }
}
