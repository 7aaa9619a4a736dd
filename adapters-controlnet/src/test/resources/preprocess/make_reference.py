"""Reference outputs of the control-image preprocessors, computed with OpenCV (python3-opencv 4.6).

Writes preprocess-reference.json.gz: synthetic 8-bit RGB test images (seeded) and, per case, the
preprocessor, its options and the expected 0/255 output of one channel (all channels are equal).
  canny:         cv2.Canny(image, low, high)  (the ControlNet annotator's call), optionally after a
                 float Gaussian blur (OpenCV's 8-bit kernel size, rounded back to 8 bits)
  scribble_xdog: the A1111 ControlNet extension's scribble_xdog without its uint8 wrap-around:
                 g1, g2 = cv2.GaussianBlur(float32 image, (0, 0), 0.5 / 5.0);
                 dog = clip(255 - min_c(g2 - g1), 0, 255).astype(uint8);
                 line where 2 * (255 - int(dog)) > threshold
Run: /usr/bin/python3 make_reference.py (Debian python3 with python3-opencv and python3-numpy) (from this folder).
"""
import base64, gzip, json
import numpy as np
import cv2

rng = np.random.default_rng(20260)

def blobs(h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    for _ in range(6):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        s = rng.uniform(3, 12)
        col = rng.uniform(-200, 200, 3)
        img += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))[..., None] * col
    img += 128 + rng.normal(0, 6, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)

def shapes(h, w):
    img = np.full((h, w, 3), 30, np.uint8)
    cv2.rectangle(img, (5, 4), (w // 2, h // 2), (220, 40, 40), -1)
    cv2.circle(img, (w * 2 // 3, h * 2 // 3), min(h, w) // 4, (40, 200, 90), -1)
    cv2.line(img, (0, h - 1), (w - 1, 0), (250, 250, 20), 2)
    noise = rng.normal(0, 10, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)

def ramp(h, w):
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([(xx * 255 // (w - 1)), (yy * 255 // (h - 1)), ((xx + yy) * 7) % 256], axis=-1)
    return img.astype(np.uint8)

images = {"blobs": blobs(48, 64), "shapes": shapes(41, 57), "ramp": ramp(33, 40)}

def enc(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()

cases = []
for name, img in images.items():
    for low, high in [(100, 200), (50, 150), (20, 60), (200, 100), (75.5, 130.9)]:
        e = cv2.Canny(img, low, high)
        cases.append({"image": name, "preprocessor": "canny", "low": low, "high": high, "blur": 0, "expected": enc(e)})
    for blur in [1.0, 1.4]:
        k = int(round(blur * 3 * 2 + 1)) | 1   # OpenCV's kernel size for 8-bit images
        b = cv2.GaussianBlur(img.astype(np.float32), (k, k), blur)
        b = np.clip(np.floor(b + 0.5), 0, 255).astype(np.uint8)
        e = cv2.Canny(b, 60, 120)
        cases.append({"image": name, "preprocessor": "canny", "low": 60, "high": 120, "blur": blur, "expected": enc(e)})
    f = img.astype(np.float32)
    g1 = cv2.GaussianBlur(f, (0, 0), 0.5)
    g2 = cv2.GaussianBlur(f, (0, 0), 5.0)
    dog = (255 - np.min(g2 - g1, axis=2)).clip(0, 255).astype(np.uint8)
    for thr in [32, 8, 16]:
        e = np.where(2 * (255 - dog.astype(np.int32)) > thr, 255, 0).astype(np.uint8)
        cases.append({"image": name, "preprocessor": "scribble_xdog", "threshold": thr, "expected": enc(e)})

out = {"generator": "make_reference.py with OpenCV " + cv2.__version__ + ", numpy " + np.__version__,
       "images": {k: {"width": v.shape[1], "height": v.shape[0], "rgb": enc(v)} for k, v in images.items()},
       "cases": cases}
with gzip.open("preprocess-reference.json.gz", "wt") as f:
    json.dump(out, f)
print(len(cases), "cases")
