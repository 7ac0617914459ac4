//! The cat pictures: drawn pixel by pixel from a few shapes, then JPEG-encoded.
//!
//! Every cat has the same outline (head, ears, eyes, nose, whiskers); what differs is the
//! colours, chosen from the cat's id. So the same id always gives the same bytes, and
//! different ids (modulo the number of cats) give different pictures. The encoded pictures
//! are kept in a process-wide cache: a test suite that starts twenty servers draws each
//! cat once, not twenty times.

use std::sync::{LazyLock, Mutex};
use std::thread;

use axum::body::Bytes;
use jpeg_encoder::{ColorType, Encoder};

/// Picture size in pixels: big enough that a download is tens of kilobytes.
const WIDTH: u16 = 320;
const HEIGHT: u16 = 240;
/// JPEG quality (1–100).
const QUALITY: u8 = 85;

type Rgb = [i16; 3];

/// Fur colours to choose from: ginger, grey, black, cream, brown, white, smoke, cinnamon.
const FUR: [Rgb; 8] = [
    [214, 120, 50],
    [128, 128, 136],
    [40, 38, 42],
    [236, 214, 170],
    [120, 84, 50],
    [240, 238, 232],
    [88, 92, 110],
    [170, 100, 70],
];
/// Eye colours: green, amber, blue.
const EYES: [Rgb; 3] = [[90, 170, 60], [220, 160, 30], [70, 140, 220]];
const PINK: Rgb = [232, 150, 160];
const DARK: Rgb = [20, 20, 24];
const WHITE: Rgb = [245, 245, 245];

/// Encoded pictures by id, filled in on first use.
static CACHE: Mutex<Vec<Bytes>> = Mutex::new(Vec::new());

/// The drawing every cat shares, worked out once per process — like a page of a colouring
/// book, which each cat then colours in its own way.
static OUTLINE: LazyLock<Vec<Pixel>> = LazyLock::new(|| {
    let mut pixels = Vec::with_capacity(usize::from(WIDTH) * usize::from(HEIGHT));
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            pixels.push(Pixel::at(x, y));
        }
    }
    pixels
});

/// The JPEG bytes of cats `0..count`, drawing any that are not cached yet.
pub(crate) fn cat_jpegs(count: usize) -> Vec<Bytes> {
    // Holding the lock while drawing is deliberate: two servers starting at once must not
    // both draw the same cats; the second simply waits for the first.
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let missing: Vec<usize> = (cache.len()..count).collect();
    cache.extend(encode_in_parallel(&missing));
    cache[..count].to_vec()
}

/// Encodes the given cats on all cores, returning them in the order of `ids`.
///
/// Start-up time matters (every demo starts a server), and each picture is independent
/// of the others: a job for scoped threads. Worker `w` takes every `workers`-th id.
fn encode_in_parallel(ids: &[usize]) -> Vec<Bytes> {
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(ids.len().max(1));
    let mut encoded: Vec<(usize, Bytes)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    let mine = ids.iter().enumerate().skip(w).step_by(workers);
                    mine.map(|(position, &id)| (position, Bytes::from(encode_cat(id))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("drawing a cat does not panic"))
            .collect()
    });
    encoded.sort_by_key(|&(position, _)| position);
    encoded.into_iter().map(|(_, jpeg)| jpeg).collect()
}

/// Colours in cat `id` and encodes it as a baseline JPEG.
fn encode_cat(id: usize) -> Vec<u8> {
    let palette = palette(id);
    let mut rgb = Vec::with_capacity(OUTLINE.len() * 3);
    for pixel in OUTLINE.iter() {
        for channel in palette[pixel.part as usize] {
            rgb.push((channel + pixel.shade).clamp(0, 255) as u8);
        }
    }
    let mut jpeg = Vec::new();
    Encoder::new(&mut jpeg, QUALITY)
        .encode(&rgb, WIDTH, HEIGHT, ColorType::Rgb)
        .expect("encoding an in-memory RGB buffer of the right size cannot fail");
    jpeg
}

/// The parts of the drawing, front to back. Each cat has one colour per part.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Pupil,
    Eye,
    Nose,
    Whisker,
    InnerEar,
    /// Fur on the forehead, where tabby cats have stripes.
    Stripe,
    Fur,
    Background,
}

/// Cat `id`'s colour for each part, indexed by `Part as usize`.
fn palette(id: usize) -> [Rgb; 8] {
    // Background hues go round the colour wheel by the golden angle (137.5°), so
    // neighbouring ids get clearly different colours.
    let hue = (id as f32 * 137.5) % 360.0;
    let fur = FUR[id % FUR.len()];
    let tabby = id % 3 == 1;
    let stripe = if tabby { fur.map(|c| c - 60) } else { fur };
    [
        DARK,
        EYES[id % EYES.len()],
        PINK,
        WHITE,
        PINK,
        stripe,
        fur,
        light_colour(hue),
    ]
}

/// One pixel of the outline: which part it belongs to, and how much lighter or darker
/// than the part's colour it is.
struct Pixel {
    part: Part,
    /// Grain (per-pixel noise, like fur or film), plus the background's gradient. The
    /// grain matters for more than looks: without it the picture is a few flat shapes
    /// that compress to almost nothing, and a download lesson wants bytes to move.
    shade: i16,
}

impl Pixel {
    fn at(x: u16, y: u16) -> Pixel {
        let part = part_at(f32::from(x), f32::from(y));
        let grain = noise(x, y);
        let shade = match part {
            Part::Pupil | Part::Nose | Part::Whisker => 0,
            Part::Eye => grain / 4,
            Part::InnerEar => grain / 2,
            Part::Stripe | Part::Fur => grain,
            // The background darkens towards the bottom.
            Part::Background => grain / 2 - y.cast_signed() / 4,
        };
        Pixel { part, shade }
    }
}

/// Which part pixel (x, y) belongs to: the first shape, front to back, that contains it.
fn part_at(x: f32, y: f32) -> Part {
    for centre_x in [120.0, 200.0] {
        if inside_ellipse(x, y, centre_x, 120.0, 4.0, 12.0) {
            return Part::Pupil;
        }
        if inside_ellipse(x, y, centre_x, 120.0, 18.0, 13.0) {
            return Part::Eye;
        }
    }
    if inside_triangle((x, y), (150.0, 152.0), (170.0, 152.0), (160.0, 164.0)) {
        return Part::Nose;
    }
    if is_whisker(x, y) {
        return Part::Whisker;
    }
    let ears = [
        [(72.0, 100.0), (100.0, 22.0), (142.0, 64.0)],
        [(248.0, 100.0), (220.0, 22.0), (178.0, 64.0)],
    ];
    for [a, b, c] in ears {
        let (a_in, b_in, c_in) = (
            towards_middle(a, b, c, 0.55),
            towards_middle(b, a, c, 0.55),
            towards_middle(c, a, b, 0.55),
        );
        if inside_triangle((x, y), a_in, b_in, c_in) {
            return Part::InnerEar;
        }
    }
    let in_head = inside_ellipse(x, y, 160.0, 135.0, 96.0, 80.0);
    let in_ear = ears
        .iter()
        .any(|&[a, b, c]| inside_triangle((x, y), a, b, c));
    if in_head || in_ear {
        let on_stripe = y < 100.0 && ((x - 160.0) / 9.0).sin() > 0.6;
        return if on_stripe { Part::Stripe } else { Part::Fur };
    }
    Part::Background
}

/// Six whiskers, three on each side of the nose, as thin straight lines.
fn is_whisker(x: f32, y: f32) -> bool {
    let ends = [(-10.0, 145.0), (0.0, 163.0), (10.0, 181.0)];
    ends.iter().any(|&(dy, far_y)| {
        let left = distance_to_segment((x, y), (138.0, 158.0 + dy / 4.0), (56.0, far_y + dy));
        let right = distance_to_segment((x, y), (182.0, 158.0 + dy / 4.0), (264.0, far_y + dy));
        left.min(right) < 1.2
    })
}

fn inside_ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

type Point = (f32, f32);

fn inside_triangle(p: Point, a: Point, b: Point, c: Point) -> bool {
    // p is inside when it lies on the same side of all three edges.
    let side = |u: Point, v: Point| (v.0 - u.0) * (p.1 - u.1) - (v.1 - u.1) * (p.0 - u.0);
    let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
    let has_negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let has_positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(has_negative && has_positive)
}

/// Moves corner `a` part of the way towards the middle of the triangle `a b c`.
fn towards_middle(a: Point, b: Point, c: Point, keep: f32) -> Point {
    let middle = ((a.0 + b.0 + c.0) / 3.0, (a.1 + b.1 + c.1) / 3.0);
    (
        middle.0 + (a.0 - middle.0) * keep,
        middle.1 + (a.1 - middle.1) * keep,
    )
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (abx, aby) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * abx + (p.1 - a.1) * aby) / (abx * abx + aby * aby)).clamp(0.0, 1.0);
    let (nx, ny) = (a.0 + t * abx, a.1 + t * aby);
    ((p.0 - nx).powi(2) + (p.1 - ny).powi(2)).sqrt()
}

/// Deterministic noise in -20..20: an integer hash of the pixel's position.
fn noise(x: u16, y: u16) -> i16 {
    let mut h = u32::from(x)
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add(u32::from(y).wrapping_mul(0x85EB_CA77));
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    (h % 41) as i16 - 20
}

/// A soft, light colour of the given hue (degrees), for backgrounds.
fn light_colour(hue: f32) -> Rgb {
    let channel = |offset: f32| (170.0 + 60.0 * (hue - offset).to_radians().cos()) as i16;
    [channel(0.0), channel(120.0), channel(240.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cat_is_a_distinct_jpeg_of_tens_of_kilobytes() {
        let cats = cat_jpegs(20);
        for (id, jpeg) in cats.iter().enumerate() {
            assert!(
                jpeg.starts_with(&[0xFF, 0xD8]),
                "cat {id} has no JPEG start marker"
            );
            assert!(
                jpeg.ends_with(&[0xFF, 0xD9]),
                "cat {id} has no JPEG end marker"
            );
            assert!(
                (10_000..200_000).contains(&jpeg.len()),
                "cat {id} is {} bytes",
                jpeg.len()
            );
        }
        for (i, a) in cats.iter().enumerate() {
            for (j, b) in cats.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "cats {i} and {j} are identical");
            }
        }
    }

    #[test]
    fn the_same_id_gives_the_same_bytes() {
        assert_eq!(encode_cat(7), encode_cat(7));
    }
}
