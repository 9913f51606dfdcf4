/** Word lists for synthetic people and companies. Every name and number generated from them is fictional. */

export const CN_SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['赵', 'zhao'],
  ['黄', 'huang'],
  ['周', 'zhou'],
  ['吴', 'wu'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['胡', 'hu'],
  ['朱', 'zhu'],
  ['高', 'gao'],
  ['林', 'lin'],
  ['何', 'he'],
  ['郭', 'guo'],
  ['马', 'ma'],
  ['罗', 'luo'],
  ['梁', 'liang'],
  ['宋', 'song'],
  ['郑', 'zheng'],
  ['谢', 'xie'],
  ['韩', 'han'],
  ['唐', 'tang'],
  ['冯', 'feng'],
  ['于', 'yu'],
  ['董', 'dong'],
  ['萧', 'xiao'],
  ['程', 'cheng'],
  ['曹', 'cao'],
  ['袁', 'yuan'],
  ['邓', 'deng'],
  ['许', 'xu'],
  ['欧阳', 'ouyang'],
  ['司马', 'sima'],
];

export const CN_GIVEN_CHARS: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['娟', 'juan'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['秀', 'xiu'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['桂', 'gui'],
  ['英', 'ying'],
  ['华', 'hua'],
  ['建', 'jian'],
  ['国', 'guo'],
  ['文', 'wen'],
  ['辉', 'hui'],
  ['玲', 'ling'],
  ['鹏', 'peng'],
  ['宇', 'yu'],
  ['浩', 'hao'],
  ['欣', 'xin'],
  ['怡', 'yi'],
  ['子', 'zi'],
  ['萱', 'xuan'],
  ['晨', 'chen'],
  ['博', 'bo'],
  ['思', 'si'],
  ['雨', 'yu'],
  ['嘉', 'jia'],
  ['琪', 'qi'],
];

/** Region codes (GB/T 2260) with the address they stand for; ID numbers and USCCs start with them. */
export const CN_REGIONS: readonly {
  code: string;
  province: string;
  city: string;
  district: string;
  streets: readonly string[];
  postcode: string;
}[] = [
  {
    code: '110101',
    province: '北京市',
    city: '北京市',
    district: '东城区',
    streets: ['东直门南大街', '王府井大街', '和平里东街'],
    postcode: '100010',
  },
  {
    code: '110105',
    province: '北京市',
    city: '北京市',
    district: '朝阳区',
    streets: ['建国路', '朝阳北路', '望京街'],
    postcode: '100020',
  },
  {
    code: '310101',
    province: '上海市',
    city: '上海市',
    district: '黄浦区',
    streets: ['南京东路', '淮海中路', '西藏南路'],
    postcode: '200001',
  },
  {
    code: '310115',
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    streets: ['世纪大道', '张杨路', '锦绣路'],
    postcode: '200120',
  },
  {
    code: '440106',
    province: '广东省',
    city: '广州市',
    district: '天河区',
    streets: ['天河路', '体育西路', '黄埔大道西'],
    postcode: '510620',
  },
  {
    code: '440305',
    province: '广东省',
    city: '深圳市',
    district: '南山区',
    streets: ['深南大道', '科技园南路', '南海大道'],
    postcode: '518052',
  },
  {
    code: '330106',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    streets: ['文三路', '天目山路', '曙光路'],
    postcode: '310013',
  },
  {
    code: '510107',
    province: '四川省',
    city: '成都市',
    district: '武侯区',
    streets: ['人民南路', '科华北路', '武侯祠大街'],
    postcode: '610041',
  },
  {
    code: '420106',
    province: '湖北省',
    city: '武汉市',
    district: '武昌区',
    streets: ['中南路', '武珞路', '和平大道'],
    postcode: '430061',
  },
  {
    code: '320102',
    province: '江苏省',
    city: '南京市',
    district: '玄武区',
    streets: ['中山路', '北京东路', '珠江路'],
    postcode: '210018',
  },
  {
    code: '610113',
    province: '陕西省',
    city: '西安市',
    district: '雁塔区',
    streets: ['长安南路', '小寨西路', '科技路'],
    postcode: '710061',
  },
  {
    code: '500103',
    province: '重庆市',
    city: '重庆市',
    district: '渝中区',
    streets: ['解放碑步行街', '中山三路', '民权路'],
    postcode: '400010',
  },
];

export const CN_COMPANY_WORDS = [
  '华信',
  '恒通',
  '瑞丰',
  '鼎盛',
  '宏达',
  '金桥',
  '远航',
  '新禾',
  '博雅',
  '锦程',
  '汇融',
  '天成',
];
export const CN_INDUSTRIES = [
  '商贸',
  '科技',
  '餐饮管理',
  '建材',
  '物流',
  '服装',
  '电子',
  '文化传媒',
  '装饰工程',
  '食品',
];

export const CN_CREDITORS: readonly string[] = [
  '华信消费金融有限公司',
  '东方普惠小额贷款有限公司',
  '恒远融资租赁有限公司',
  '金桥信用卡中心（示例）',
  '新禾通信服务有限公司',
];

export const US_CREDITORS: readonly string[] = [
  'Northwind Bank (example)',
  'Contoso Credit Union',
  'Fabrikam Telecom',
  'Tailspin Auto Finance',
  'Woodgrove Medical Billing',
];

/** International debtors: given names, family names, home zone, phone prefix and addresses. */
export const INTERNATIONAL_PEOPLE: readonly {
  country: string;
  timeZone: string;
  language: 'en' | 'es' | 'zh';
  given: readonly string[];
  family: readonly string[];
  cities: readonly { region: string; city: string; postcode: string; area: string }[];
}[] = [
  {
    country: 'US',
    timeZone: 'America/New_York',
    language: 'en',
    given: [
      'James',
      'Mary',
      'Robert',
      'Patricia',
      'Michael',
      'Jennifer',
      'David',
      'Linda',
      'Aisha',
      'Tyrone',
    ],
    family: [
      'Smith',
      'Johnson',
      'Williams',
      'Brown',
      'Jones',
      'Miller',
      'Davis',
      'Wilson',
      'Taylor',
      'Moore',
    ],
    cities: [
      { region: 'NY', city: 'New York', postcode: '10001', area: '212' },
      { region: 'NJ', city: 'Newark', postcode: '07102', area: '973' },
      { region: 'FL', city: 'Miami', postcode: '33101', area: '305' },
    ],
  },
  {
    country: 'US',
    timeZone: 'America/Chicago',
    language: 'es',
    given: ['José', 'María', 'Luis', 'Carmen', 'Carlos', 'Ana', 'Jorge', 'Lucía'],
    family: ['García', 'Martínez', 'Rodríguez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez'],
    cities: [
      { region: 'TX', city: 'Houston', postcode: '77002', area: '713' },
      { region: 'IL', city: 'Chicago', postcode: '60601', area: '312' },
    ],
  },
  {
    country: 'US',
    timeZone: 'America/Los_Angeles',
    language: 'en',
    given: ['Emily', 'Daniel', 'Priya', 'Arjun', 'Sofia', 'Kevin', 'Grace', 'Minh'],
    family: ['Nguyen', 'Patel', 'Kim', 'Chen', 'Anderson', 'Thomas', 'Lee', 'Walker'],
    cities: [
      { region: 'CA', city: 'Los Angeles', postcode: '90012', area: '213' },
      { region: 'CA', city: 'San Francisco', postcode: '94103', area: '415' },
      { region: 'WA', city: 'Seattle', postcode: '98101', area: '206' },
    ],
  },
];

export const US_STREETS = [
  'Main St',
  'Oak Ave',
  'Maple Dr',
  'Cedar Ln',
  'Elm St',
  'Park Ave',
  'Washington Blvd',
  'Lake Rd',
];
