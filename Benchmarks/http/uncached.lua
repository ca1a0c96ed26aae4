-- Uncached catalog reads for wrk: every request a different query (a search word or none, a
-- category or none, each sort order, a different min_price every time), so no answer is ever
-- served twice. Each wrk thread counts in its own range. Used by Benchmarks/http/run.sh.
local words = {"", "cake", "bread", "tea", "coffee", "golden", "dark", "spicy", "number", "sweet", "ch", "g",
               "%D9%86%D8%A7%D9%86", "%DA%A9%DB%8C%DA%A9", "%D8%AA%D8%A7"}   -- نان, کیک, تا
local categories = {"", "Bakery", "Drinks", "Dairy", "Pantry", "Sweets", "Spices", "Snacks"}
local sorts = {"name", "price", "price_desc", "newest"}
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) counter = tid * 1000000 end
function request()
    counter = counter + 1
    local n = counter
    local path = "/api/v1/products?limit=20&sort=" .. sorts[n % #sorts + 1] .. "&min_price=" .. (n % 50000)
    local word = words[math.floor(n / 4) % #words + 1]
    if word ~= "" then path = path .. "&q=" .. word end
    local category = categories[math.floor(n / 60) % #categories + 1]
    if category ~= "" then path = path .. "&category=" .. category end
    return wrk.format("GET", path)
end
