// Cross-checks a rendered nested multipart message with an independent MIME implementation:
// Python's email package parses the file and prints the decoded Subject, To and text parts as JSON.
// Runs python3 as a subprocess (skipped when python3 is missing); writes only a temp file.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"
#include "tests/protocol/merge_template_sample.hpp"

namespace volley::protocol {
namespace {

constexpr const char* kParserScript = R"PY(
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    if part.get_content_maintype() == 'text':
        parts.append({'type': part.get_content_type(),
                      'text': part.get_content().replace('\r\n', '\n')})
    else:
        parts.append({'type': part.get_content_type(), 'bytes': len(part.get_content())})
print(json.dumps({'subject': str(msg['subject']), 'to': str(msg['to']), 'parts': parts,
                  'defects': sum(len(p.defects) for p in msg.walk())}))
)PY";

std::string run_capture(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr)
    return output;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  pclose(pipe);
  return output;
}

std::string json_string(const boost::json::value& v) {
  return std::string(v.as_string().data(), v.as_string().size());
}

TEST(MergeTemplatePythonTest, PythonEmailPackageReadsTheMergedValues) {
  if (std::system("python3 -c 'import email' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 not available";
  const std::string name = "J\xC3\xB6rg = M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC";
  std::string code;
  for (int i = 0; i < 30; ++i)
    code += "c=" + std::to_string(i) + " \xC3\xA9 ";
  MergeVars vars;
  vars.set("name", name);
  vars.set("email", "jorg@example.com");
  vars.set("code", code);
  const Result<MergeTemplate> tmpl = compile_merge_template(merge_sample::nested_message());
  ASSERT_TRUE(tmpl.ok());
  std::string rendered;
  ASSERT_TRUE(tmpl->render(vars, rendered).ok());

  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::filesystem::path file = dir / ("volley-merge-" + std::to_string(getpid()) + ".eml");
  const std::filesystem::path script = dir / ("volley-merge-" + std::to_string(getpid()) + ".py");
  std::ofstream(file, std::ios::binary) << rendered;
  std::ofstream(script) << kParserScript;
  const std::string output = run_capture("python3 " + script.string() + " " + file.string());
  std::filesystem::remove(file);
  std::filesystem::remove(script);
  ASSERT_FALSE(output.empty());

  const boost::json::value parsed = boost::json::parse(output);
  const boost::json::object& top = parsed.as_object();
  EXPECT_EQ(json_string(top.at("subject")), "Offer for " + name);
  EXPECT_EQ(json_string(top.at("to")), name + " <jorg@example.com>");
  EXPECT_EQ(top.at("defects").as_int64(), 0);
  const boost::json::array& parts = top.at("parts").as_array();
  ASSERT_EQ(parts.size(), 3u) << output;
  EXPECT_EQ(json_string(parts[0].at("type")), "text/plain");
  EXPECT_EQ(json_string(parts[0].at("text")),
            "Hello " + name + ",\nyour code is " + code + ".\nBye\n");
  EXPECT_EQ(json_string(parts[1].at("type")), "text/html");
  EXPECT_EQ(json_string(parts[1].at("text")),
            "<p>Hello " + name + ", code=" + code +
                " caf\xC3\xA9</p>\n<p>Trailing space stays  </p>\n--inner42extra is not a "
                "delimiter");
  EXPECT_EQ(json_string(parts[2].at("type")), "application/octet-stream");
  EXPECT_EQ(parts[2].at("bytes").as_int64(), 55);
}

} // namespace
} // namespace volley::protocol
