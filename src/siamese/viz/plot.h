// PNG figures drawn with OpenCV: 2-D scatter of embeddings by class, line plots (ROC curves, training
// curves). White background, axes with "nice" numeric ticks and light grid, axis titles, a title, a
// legend box, antialiased drawing. Default size 900 x 700 pixels.
//
// The output format follows the file extension given to cv::imwrite (use ".png"). Any failure to write
// (missing directory, unwritable path, unknown extension) throws DataError naming the file. Malformed
// inputs (wrong shapes, mismatched lengths) throw DataError; a bad size throws ConfigError.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace siamese {

struct PlotSize {
  int width = 900;   // pixels, >= 200
  int height = 700;  // pixels, >= 150
};

// Scatter plot of points [N, 2] (any floating dtype) coloured by labels [N] (integer).
// The legend names label l as class_names[l] when 0 <= l < class_names.size(), else "class l".
// Colours: a fixed tab10-like palette for the first 10 colour slots, then further distinct hues; the
// slot of a label is the label itself when all labels are >= 0 (so a class keeps its colour across
// figures), else its rank among the distinct labels. Points are small filled circles, slightly
// transparent, drawn in a fixed pseudo-random order so that no class is systematically on top.
// Non-finite points are skipped. The legend sits right of the axes; with many classes it lists as many
// as fit and says how many more there are. xlabel / ylabel title the axes ("" for none).
void plot_scatter(const std::string& path, const torch::Tensor& points, const torch::Tensor& labels,
                  const std::vector<std::string>& class_names, const std::string& title,
                  const PlotSize& size = {}, const std::string& xlabel = "dimension 1",
                  const std::string& ylabel = "dimension 2");

// Projection of x [N, d] (d >= 1) onto its top-2 principal components: [N, 2] in x's floating dtype
// (float64 computation). d == 2 returns x unchanged; d == 1 returns [x, 0]. Each component's sign is
// fixed so that its largest-magnitude loading is positive, making the result deterministic.
torch::Tensor pca_2d(const torch::Tensor& x);

// One named polyline. x and y have the same length; non-finite values (and y <= 0 with log_y) break
// the line there.
struct Series {
  std::string name;
  std::vector<double> x, y;
};

// Line plot of several series (colours from the same palette as plot_scatter, in order), with a legend
// placed in the corner of the axes that covers the fewest data points. log_y uses a base-10 y axis.
// diagonal adds a dashed grey "chance" line y = x (for ROC curves).
void plot_lines(const std::string& path, const std::vector<Series>& series, const std::string& title,
                const std::string& xlabel, const std::string& ylabel, bool log_y = false,
                bool diagonal = false, const PlotSize& size = {});

}  // namespace siamese
